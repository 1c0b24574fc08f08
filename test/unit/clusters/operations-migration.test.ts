import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../../api/tasks-api';
import type { OperationRecord } from '../../../core/clusters/operation-record';
import { operationOf } from '../../../core/clusters/operation-view';
import { migrateOperationsJournal } from '../../../core/clusters/operations-migration';
import { TaskEngine } from '../../../core/tasks/task-engine';

const dirs: string[] = [];
const engines: TaskEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'corral-op-migration-'));
  dirs.push(d);
  return d;
}

function engineOn(file: string): TaskEngine {
  const engine = new TaskEngine({ file });
  engines.push(engine);
  return engine;
}

const node = (name: string, phase: OperationRecord['nodes'][number]['phase']) => ({
  index: Number(name.split('-').pop()),
  name,
  hostId: 'h1',
  phase,
  uuid: '9a3c1d52-4a0e-4c52-9d43-0f1e2d3c4b5a',
  addresses: ['10.0.0.10'],
  macs: ['52:54:00:00:00:01'],
  image: {
    pool: 'default',
    path: '/img/base.qcow2',
    format: 'qcow2',
    boot: { kind: 'disk' as const },
  },
  hostKey: { publicKey: 'ssh-ed25519 AAAA', privateKeySealed: 'sealed' },
  touched: { overlay: true, seed: true },
  volumes: { overlay: 'web-0-1a2b3c4d.qcow2', seed: 'web-0-1a2b3c4d-seed.iso' },
});

const record = (over: Partial<OperationRecord>): OperationRecord =>
  ({
    id: 'op-1a2b3c4d-0000-4000-8000-000000000001',
    kind: 'create',
    cluster: 'web',
    ownerId: 'alice',
    status: 'running',
    startedAt: '2026-01-01T00:00:00.000Z',
    spec: { name: 'web' },
    nodes: [node('web-0', 'seeding')],
    ...over,
  }) as OperationRecord;

const running = record({});
const cancelling = record({
  id: 'op-2b3c4d5e-0000-4000-8000-000000000002',
  cluster: 'db',
  status: 'cancelling',
});
const done = record({
  id: 'op-3c4d5e6f-0000-4000-8000-000000000003',
  kind: 'delete',
  cluster: 'old',
  status: 'succeeded',
  endedAt: '2026-01-01T01:00:00.000Z',
  nodes: [node('old-0', 'rolled-back')],
});

function writeOperations(dir: string, lines: string[]): void {
  writeFileSync(join(dir, 'operations.jsonl'), lines.map((l) => `${l}\n`).join(''), {
    mode: 0o600,
  });
}

describe('operations journal of an earlier Corral carried into the task journal', () => {
  it('makes each operation a task with its id and record; one cut off by a crash is interrupted', () => {
    const dir = tmp();
    const tasks = join(dir, 'tasks.jsonl');
    // A later change of the same operation, and a line torn by the crash.
    const earlier = { ...running, nodes: [node('web-0', 'cloning')] };
    writeOperations(dir, [
      JSON.stringify(earlier),
      JSON.stringify(running),
      JSON.stringify(cancelling),
      JSON.stringify(done),
      '{"id":"op-torn',
    ]);
    const problems: string[] = [];
    expect(migrateOperationsJournal(dir, tasks, (p) => problems.push(p.message))).toBe(3);
    expect(existsSync(join(dir, 'operations.jsonl'))).toBe(false);
    expect(problems.join('\n')).toMatch(/could not be read/);
    const known = JSON.parse(readFileSync(join(dir, 'known-operations.json'), 'utf8')) as Array<{
      id: string;
    }>;
    expect(known.map((k) => k.id).sort()).toEqual([running.id, cancelling.id, done.id].sort());

    const engine = engineOn(tasks);
    const task = engine.get(running.id)!;
    expect(task).toMatchObject({
      kind: 'cluster-create',
      ownerId: 'alice',
      status: 'interrupted',
      targets: [{ kind: 'cluster', cluster: 'web' }],
      steps: [{ id: 'web-0', label: 'web-0', status: 'running', detail: 'seeding', hostId: 'h1' }],
    });
    // The runner state is the record itself: what resume and rollback need (touched, volumes).
    expect(engine.stateOf(running.id)).toEqual(running);
    expect(operationOf(task, running)).toMatchObject({
      id: running.id,
      status: 'interrupted',
      nodes: [{ name: 'web-0', phase: 'seeding' }],
    });
    expect(engine.get(cancelling.id)!.status).toBe('interrupted');
    expect(engine.get(done.id)).toMatchObject({
      kind: 'cluster-delete',
      status: 'succeeded',
      endedAt: done.endedAt,
    });
  });

  it('does nothing without an operations journal', () => {
    const dir = tmp();
    expect(migrateOperationsJournal(dir, join(dir, 'tasks.jsonl'))).toBe(0);
    expect(existsSync(join(dir, 'tasks.jsonl'))).toBe(false);
  });

  it('imported twice (a crash before the old file was removed), each operation is one task', async () => {
    const dir = tmp();
    const tasks = join(dir, 'tasks.jsonl');
    writeOperations(dir, [JSON.stringify(running), JSON.stringify(done)]);
    migrateOperationsJournal(dir, tasks);
    writeOperations(dir, [JSON.stringify(running), JSON.stringify(done)]);
    expect(migrateOperationsJournal(dir, tasks)).toBe(2);
    const engine = engineOn(tasks);
    expect(
      engine
        .list()
        .map((t: Task) => t.id)
        .sort(),
    ).toEqual([running.id, done.id].sort());
    await engine.flushed();
  });
});

describe('an operation as a view over its task', () => {
  const task = (over: Partial<Task>): Task => ({
    id: 'task-1',
    kind: 'cluster-create',
    title: 'Create cluster web (1 node)',
    ownerId: 'alice',
    status: 'running',
    targets: [{ kind: 'cluster', cluster: 'web' }],
    steps: [],
    log: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    actions: { cancel: true, resume: false, rollback: false },
    ...over,
  });

  it("has the task's id, whatever the record says", () => {
    expect(operationOf(task({}), { ...running, id: '' }).id).toBe('task-1');
  });

  it('reads cancelled where the engine rolled back after a cancel', () => {
    const op = operationOf(task({ status: 'rolled-back', endedAt: 'T1' }), {
      ...running,
      status: 'cancelled',
    });
    expect(op).toMatchObject({ status: 'cancelled', endedAt: 'T1' });
  });

  it('follows the engine while a cancel or rollback is under way, and when interrupted', () => {
    expect(operationOf(task({ status: 'cancelling' }), running).status).toBe('cancelling');
    expect(operationOf(task({ status: 'rolling-back' }), running).status).toBe('rolling-back');
    const cut = operationOf(task({ status: 'interrupted' }), { ...running, endedAt: 'T0' });
    expect(cut.status).toBe('interrupted');
    expect(cut.endedAt).toBeUndefined();
  });

  it("takes the task's failure when the runner stopped before recording its own", () => {
    const op = operationOf(
      task({ status: 'failed', error: 'host h1 dropped', endedAt: 'T2' }),
      running,
    );
    expect(op).toMatchObject({ status: 'failed', error: 'host h1 dropped', endedAt: 'T2' });
  });
});
