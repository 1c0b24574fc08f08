import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import type { MigrateRequest } from '../../../api/migration-api';
import type { Task } from '../../../api/tasks-api';
import {
  balanceRunner,
  moveStepId,
  type BalanceState,
} from '../../../core/migration/balance-runner';
import type { PlannedMove } from '../../../core/placement/balance-types';
import { TaskEngine } from '../../../core/tasks/task-engine';

// The balance runner's scheduling over the real task engine: its moves start tasks of a second
// kind whose runner here only records which hosts are busy and ends as each test decides.

const dirs: string[] = [];
const engines: TaskEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Harness {
  engine: TaskEngine;
  /** Host ids taking part in a migration right now, and the most seen at once per host. */
  peakPerHost: Map<string, number>;
  started: string[];
  release(uuid: string, outcome?: 'ok' | 'fail'): void;
  waitStarted(n: number): Promise<void>;
}

function harness(migrateOverride?: (req: MigrateRequest) => Promise<Task>): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'corral-balance-runner-'));
  dirs.push(dir);
  const engine = new TaskEngine({ file: join(dir, 'tasks.jsonl') });
  engines.push(engine);
  const busy = new Map<string, number>();
  const peakPerHost = new Map<string, number>();
  const started: string[] = [];
  const gates = new Map<string, (o: 'ok' | 'fail') => void>();
  const pending = new Map<string, 'ok' | 'fail'>();
  const watchers: Array<() => void> = [];
  const bump = (h: string, d: number) => {
    busy.set(h, (busy.get(h) ?? 0) + d);
    peakPerHost.set(h, Math.max(peakPerHost.get(h) ?? 0, busy.get(h)!));
  };
  engine.register<MigrateRequest>({
    kind: 'vm-migrate',
    cancellable: true,
    async run(ctx) {
      const { hostId, targetHostId, uuid } = ctx.state;
      bump(hostId, 1);
      bump(targetHostId, 1);
      started.push(uuid);
      watchers.forEach((w) => w());
      try {
        const outcome = await new Promise<'ok' | 'fail'>((resolve, reject) => {
          const early = pending.get(uuid);
          if (early) return resolve(early);
          gates.set(uuid, resolve);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        });
        if (outcome === 'fail') throw new Error(`the target refused ${uuid}`);
      } finally {
        bump(hostId, -1);
        bump(targetHostId, -1);
      }
    },
  });
  const migrate = (req: MigrateRequest): Promise<Task> =>
    engine.start({ kind: 'vm-migrate', ownerId: 'admin', title: 'move', targets: [], state: req });
  engine.register(
    balanceRunner({
      migrate: migrateOverride ?? migrate,
      settled: (id) => engine.settled(id),
      cancel: (id) => engine.cancel(id),
    }),
  );
  return {
    engine,
    peakPerHost,
    started,
    release(uuid, outcome = 'ok') {
      const g = gates.get(uuid);
      if (g) g(outcome);
      else pending.set(uuid, outcome);
    },
    waitStarted: (n) =>
      new Promise<void>((resolve) => {
        const check = () => started.length >= n && resolve();
        watchers.push(check);
        check();
      }),
  };
}

const move = (name: string, from: string, to: string): PlannedMove => ({
  vm: { hostId: from, uuid: `00000000-0000-4000-8000-${name.padStart(12, '0')}`, name },
  fromHostId: from,
  toHostId: to,
  reason: `${from} busy: move ${name} to ${to}`,
});
const uuidOf = (m: PlannedMove) => m.vm.uuid;

function start(h: Harness, moves: PlannedMove[]): Promise<Task> {
  return h.engine.start<BalanceState>({
    kind: 'balance',
    ownerId: 'admin',
    title: 'Balance hosts',
    targets: [],
    steps: moves.map((m, i) => ({ id: moveStepId(i), label: m.vm.name })),
    state: { planId: 'p', moves, hostNames: {}, results: [] },
  });
}

describe('balance runner', () => {
  it('runs moves of distinct hosts together, one migration per host at a time, and succeeds', async () => {
    const h = harness();
    const moves = [move('1', 'h1', 'h2'), move('2', 'h3', 'h4'), move('3', 'h1', 'h4')];
    const task = await start(h, moves);
    await h.waitStarted(2);
    expect(h.started).toEqual([uuidOf(moves[0]!), uuidOf(moves[1]!)]);
    h.release(uuidOf(moves[0]!));
    h.release(uuidOf(moves[1]!));
    await h.waitStarted(3);
    h.release(uuidOf(moves[2]!));
    const end = await h.engine.settled(task.id);
    expect(end.status).toBe('succeeded');
    expect(end.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(Math.max(...h.peakPerHost.values())).toBe(1);
  });

  it('reports a failed move in its step, skips moves sharing its hosts and runs the others', async () => {
    const h = harness();
    const moves = [
      move('1', 'h1', 'h2'),
      move('2', 'h3', 'h4'),
      move('3', 'h1', 'h5'),
      move('4', 'h3', 'h5'),
    ];
    const task = await start(h, moves);
    await h.waitStarted(2);
    h.release(uuidOf(moves[0]!), 'fail');
    h.release(uuidOf(moves[1]!));
    await h.waitStarted(3);
    h.release(uuidOf(moves[3]!));
    const end = await h.engine.settled(task.id);
    expect(end.status).toBe('failed');
    expect(end.error).toBe('1 of 4 moves failed and 1 were skipped; see the steps');
    expect(end.steps.map((s) => s.status)).toEqual(['failed', 'done', 'skipped', 'done']);
    expect(end.steps[0]!.error).toMatch(/the target refused/);
  });

  it('cancelling the balance task cancels the migrations under way', async () => {
    const h = harness();
    const moves = [move('1', 'h1', 'h2'), move('2', 'h1', 'h3')];
    const task = await start(h, moves);
    await h.waitStarted(1);
    await h.engine.cancel(task.id);
    const end = await h.engine.settled(task.id);
    expect(end.status).toBe('cancelled');
    const migrations = h.engine.list().filter((t) => t.kind === 'vm-migrate');
    expect(migrations).toHaveLength(1);
    expect(migrations[0]!.status).toBe('cancelled');
    expect(end.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('fails a move whose migration cannot start and goes on', async () => {
    const h = harness(() => Promise.reject(new CorralError('conflict', 'web-2 has snapshots')));
    const task = await start(h, [move('1', 'h1', 'h2')]);
    const end = await h.engine.settled(task.id);
    expect(end.status).toBe('failed');
    expect(end.steps[0]).toMatchObject({ status: 'failed', error: 'web-2 has snapshots' });
  });
});
