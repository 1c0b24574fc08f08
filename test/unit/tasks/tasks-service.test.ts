import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskFilter, type Task } from '../../../api/tasks-api';
import { AccountsService } from '../../../core/accounts/accounts-service';
import type { CallContext } from '../../../core/call-context';
import { TaskEngine } from '../../../core/tasks/task-engine';
import { TasksService } from '../../../core/tasks/tasks-service';

/**
 * Ownership of tasks with the real accounts service: a plain user sees and acts on their own
 * tasks only; another user's task reads as not found and is left running; the administrator
 * sees every task.
 */
describe('tasks service: who sees and acts on which task', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-tasks-service-'));
  const accounts = new AccountsService(dir);
  const engine = new TaskEngine({ file: join(dir, 'tasks.jsonl') });
  const service = new TasksService(engine, accounts);
  const admin: CallContext = { sessionId: 'admin' };
  const alice: CallContext = { sessionId: 'alice' };
  const bob: CallContext = { sessionId: 'bob' };
  const all = TaskFilter.parse({});
  let alicesTask: Task;
  let bobsTask: Task;

  beforeAll(async () => {
    // The first account is the administrator.
    await accounts.signUp('root', 'password-root', admin);
    const a = await accounts.signUp('alice', 'password-a', alice);
    const b = await accounts.signUp('bob', 'password-b', bob);
    engine.register({
      kind: 'cluster-create',
      cancellable: true,
      run: (ctx) =>
        new Promise((_, fail) =>
          ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason)),
        ),
    });
    alicesTask = await engine.start({
      kind: 'cluster-create',
      ownerId: a.id,
      title: 'Create cluster web',
      targets: [{ kind: 'cluster', cluster: 'web' }],
      state: {},
    });
    bobsTask = await engine.start({
      kind: 'cluster-create',
      ownerId: b.id,
      title: 'Create cluster hpc',
      targets: [{ kind: 'cluster', cluster: 'hpc' }],
      state: {},
    });
  });

  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a plain user lists only their own tasks; the administrator lists all, newest first', () => {
    expect(service.list(all, alice).map((t) => t.id)).toEqual([alicesTask.id]);
    expect(service.list(all, bob).map((t) => t.id)).toEqual([bobsTask.id]);
    expect(service.list(all, admin).map((t) => t.id)).toEqual([bobsTask.id, alicesTask.id]);
  });

  it('filters by kind, status and target', () => {
    const f = (o: object) => TaskFilter.parse(o);
    expect(service.list(f({ target: 'HP' }), admin).map((t) => t.id)).toEqual([bobsTask.id]);
    expect(service.list(f({ kind: 'vm-resize' }), admin)).toEqual([]);
    expect(service.list(f({ status: 'running' }), admin)).toHaveLength(2);
    expect(service.list(f({ limit: 1 }), admin).map((t) => t.id)).toEqual([bobsTask.id]);
  });

  it("another user's task reads as not found for get, cancel, resume and rollback, and keeps running", async () => {
    expect(() => service.get(alicesTask.id, bob)).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    for (const act of ['cancel', 'resume', 'rollback'] as const) {
      expect(() => service[act](alicesTask.id, bob)).toThrow(
        expect.objectContaining({ code: 'not-found' }),
      );
    }
    expect(service.get(alicesTask.id, alice).status).toBe('running');
    // The words are the same as for a task that does not exist.
    expect(() => service.get('no-such-task', bob)).toThrow(/does not exist or is not yours/);
  });

  it('is refused to a session that is not signed in', () => {
    const nobody: CallContext = { sessionId: 'nobody' };
    expect(() => service.list(all, nobody)).toThrow(
      expect.objectContaining({ code: 'unauthenticated' }),
    );
  });

  it('a subscriber hears only of the tasks they may see; the owner cancels their own', async () => {
    const heardByBob: Task[] = [];
    const heardByAdmin: Task[] = [];
    const subs = [
      service.onChanged((t) => heardByBob.push(t), bob),
      service.onChanged((t) => heardByAdmin.push(t), admin),
    ];
    expect((await service.cancel(alicesTask.id, alice)).status).toBe('cancelling');
    expect((await engine.settled(alicesTask.id)).status).toBe('cancelled');
    for (const s of subs) s.dispose();
    expect(heardByBob).toEqual([]);
    expect(heardByAdmin.map((t) => t.status)).toContain('cancelled');
    expect(service.get(alicesTask.id, admin).log.map((l) => l.text)).toContain(
      'Cancel requested by alice',
    );
  });
});
