import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import type { Task, TaskStatus } from '../../../api/tasks-api';
import { TaskEngine } from '../../../core/tasks/task-engine';
import { actionsOf } from '../../../core/tasks/task-record';
import type { TaskContext, TaskRunner } from '../../../core/tasks/task-runner';

const dirs: string[] = [];
const engines: TaskEngine[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'corral-task-engine-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function engineOn(
  file: string,
  options: Omit<ConstructorParameters<typeof TaskEngine>[0], 'file'> = {},
): TaskEngine {
  const engine = new TaskEngine({ file, ...options });
  engines.push(engine);
  return engine;
}

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/** Rejects once the task is cancelled, as a runner waiting on a host call would. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, fail) => {
    if (signal.aborted) fail(signal.reason);
    signal.addEventListener('abort', () => fail(signal.reason), { once: true });
  });
}

interface Counter {
  done: number;
}

const start = { ownerId: 'u1', title: 'Resize web-1', targets: [], state: { done: 0 } };

describe('task engine: running', () => {
  it('a task journals its steps and state and succeeds when its runner resolves', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const engine = engineOn(file);
    const seen: TaskStatus[] = [];
    engine.onChanged((t) => seen.push(t.status));
    engine.register<Counter>({
      kind: 'vm-resize',
      cancellable: false,
      async run(ctx) {
        ctx.step('memory', { status: 'running', detail: 'ballooning' });
        await ctx.checkpoint({ done: 1 });
        ctx.step('memory', { status: 'done', detail: '4096 MiB' });
        ctx.progress(0.5);
        ctx.log('memory grown');
      },
    });
    const first = await engine.start({
      ...start,
      kind: 'vm-resize',
      steps: [{ id: 'memory', label: 'Memory' }],
    });
    expect(first.status).toBe('running');
    expect(first.steps).toEqual([{ id: 'memory', label: 'Memory', status: 'pending' }]);
    const task = await engine.settled(first.id);
    expect(task).toMatchObject({
      status: 'succeeded',
      progress: 1,
      steps: [{ id: 'memory', status: 'done', detail: '4096 MiB' }],
      actions: { cancel: false, resume: false, rollback: false },
    });
    expect(task.endedAt).toBeDefined();
    expect(task.log.map((l) => l.text)).toContain('memory grown');
    expect(task).not.toHaveProperty('state');
    expect(seen[0]).toBe('running');
    expect(seen.at(-1)).toBe('succeeded');
    await engine.close();
    // History across restarts: the finished task is there as it ended.
    const again = engineOn(file);
    expect(again.get(first.id)).toMatchObject({ status: 'succeeded', title: 'Resize web-1' });
  });

  it('shows the seconds left a runner estimates with its progress, and none once it ends', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    const shown: Array<number | undefined> = [];
    engine.onChanged((t) => shown.push(t.remainingSeconds));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    engine.register<Counter>({
      kind: 'vm-migrate',
      cancellable: true,
      async run(ctx) {
        ctx.progress(0.2, 41.6);
        ctx.progress(0.2, 30);
        ctx.progress(0.3);
        await held;
      },
    });
    const first = await engine.start({ ...start, kind: 'vm-migrate' });
    await new Promise((r) => setTimeout(r, 10));
    expect(shown).toContain(42);
    expect(shown).toContain(30);
    expect(engine.get(first.id)).toMatchObject({ progress: 0.3 });
    expect(engine.get(first.id)).not.toHaveProperty('remainingSeconds');
    release();
    const done = await engine.settled(first.id);
    expect(done.progress).toBe(1);
    expect(done).not.toHaveProperty('remainingSeconds');
    await engine.close();
  });

  it('a runner that throws fails its task with the message; rollback is offered when the kind has one', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    const undone: Counter[] = [];
    engine.register<Counter>({
      kind: 'snapshot-create',
      cancellable: false,
      async run(ctx) {
        await ctx.checkpoint({ done: 2 });
        throw new Error('disk full on host-a');
      },
      rollback(ctx) {
        undone.push(ctx.state);
        return Promise.resolve();
      },
    });
    const { id } = await engine.start({ ...start, kind: 'snapshot-create' });
    const failed = await engine.settled(id);
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'disk full on host-a',
      actions: { cancel: false, resume: false, rollback: true },
    });
    expect((await engine.rollback(id)).status).toBe('rolling-back');
    expect(await engine.settled(id)).toMatchObject({
      status: 'rolled-back',
      actions: { cancel: false, resume: false, rollback: false },
    });
    expect(undone).toEqual([{ done: 2 }]);
  });

  it('a runner that throws before its first await fails the task, not the caller', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    engine.register({
      kind: 'vm-resize',
      cancellable: false,
      run: () => {
        throw new Error('refused');
      },
    });
    const { id } = await engine.start({ ...start, kind: 'vm-resize' });
    expect(await engine.settled(id)).toMatchObject({ status: 'failed', error: 'refused' });
  });

  it('keeps only the newest log lines of a task', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const engine = engineOn(file);
    engine.register({
      kind: 'vm-resize',
      cancellable: false,
      async run(ctx: TaskContext<Counter>) {
        for (let i = 0; i < 500; i++) ctx.log(`line ${i}`);
        await ctx.checkpoint(ctx.state);
      },
    });
    const { id } = await engine.start({ ...start, kind: 'vm-resize' });
    const task = await engine.settled(id);
    const texts = task.log.map((l) => l.text);
    expect(texts).toHaveLength(200);
    expect(texts.at(-1)).toBe('Ended: succeeded');
    expect(texts).toContain('line 499');
    expect(texts).not.toContain('line 300');
    await engine.close();
    expect(engineOn(file).get(id)!.log).toHaveLength(200);
  });

  it('keeps a bounded history of finished tasks, newest first, across restarts', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const engine = engineOn(file, { keepFinished: 5 });
    engine.register({ kind: 'vm-resize', cancellable: false, run: () => Promise.resolve() });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { id } = await engine.start({ ...start, kind: 'vm-resize', title: `t${i}` });
      await engine.settled(id);
      ids.push(id);
    }
    expect(engine.list().map((t) => t.title)).toEqual(['t7', 't6', 't5', 't4', 't3']);
    await engine.close();
    const again = engineOn(file, { keepFinished: 5 });
    expect(again.list().map((t) => t.id)).toEqual(ids.slice(3).reverse());
  });

  it('a task the journal cannot take is refused, and not kept', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'), {
      open: () =>
        Promise.reject(Object.assign(new Error('read-only file system'), { code: 'EROFS' })),
    });
    let ran = false;
    engine.register({ kind: 'vm-resize', cancellable: false, run: async () => void (ran = true) });
    await expect(engine.start({ ...start, kind: 'vm-resize' })).rejects.toThrow(/read-only/);
    expect(engine.list()).toEqual([]);
    expect(ran).toBe(false);
  });

  it('takes no new task after dispose', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    engine.register({ kind: 'vm-resize', cancellable: false, run: () => Promise.resolve() });
    engine.dispose();
    await expect(engine.start({ ...start, kind: 'vm-resize' })).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});

describe('task engine: cancel', () => {
  it('a cancelled task stops at its signal and is undone by its rollback: rolled-back', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    const rolledBackFrom: Counter[] = [];
    const reached = gate();
    engine.register<Counter>({
      kind: 'cluster-create',
      cancellable: true,
      async run(ctx) {
        await ctx.checkpoint({ done: 1 });
        reached.open();
        await untilAborted(ctx.signal);
      },
      rollback(ctx) {
        expect(ctx.signal.aborted).toBe(false);
        rolledBackFrom.push(ctx.state);
        ctx.step('node-1', { status: 'rolled-back' });
        return Promise.resolve();
      },
    });
    const { id } = await engine.start({ ...start, kind: 'cluster-create' });
    await reached.opened;
    expect(engine.get(id)!.actions).toEqual({ cancel: true, resume: false, rollback: false });
    const cancelling = await engine.cancel(id, 'alice');
    expect(cancelling.status).toBe('cancelling');
    const task = await engine.settled(id);
    expect(task.status).toBe('rolled-back');
    expect(rolledBackFrom).toEqual([{ done: 1 }]);
    expect(task.log.map((l) => l.text)).toContain('Cancel requested by alice');
  });

  it('a cancelled task without a rollback ends cancelled', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    engine.register({
      kind: 'image-upload',
      cancellable: true,
      run: (ctx) => untilAborted(ctx.signal),
    });
    const { id } = await engine.start({ ...start, kind: 'image-upload' });
    await engine.cancel(id);
    expect(await engine.settled(id)).toMatchObject({ status: 'cancelled' });
  });

  it('a runner stopped from elsewhere (a cancelled CorralError) ends cancelled, not failed', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    engine.register({
      kind: 'image-upload',
      cancellable: true,
      run: () => Promise.reject(new CorralError('cancelled', 'upload cancelled: tab closed')),
    });
    const { id } = await engine.start({ ...start, kind: 'image-upload' });
    expect(await engine.settled(id)).toMatchObject({ status: 'cancelled' });
  });

  it('a task whose kind cannot be cancelled refuses, and runs on', async () => {
    const engine = engineOn(join(tmp(), 'tasks.jsonl'));
    const finish = gate();
    engine.register({ kind: 'vm-resize', cancellable: false, run: () => finish.opened });
    const { id } = await engine.start({ ...start, kind: 'vm-resize' });
    await expect(engine.cancel(id)).rejects.toMatchObject({ code: 'conflict' });
    finish.open();
    expect((await engine.settled(id)).status).toBe('succeeded');
    await expect(engine.cancel(id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(engine.cancel('nope')).rejects.toMatchObject({ code: 'not-found' });
    await expect(engine.settled('nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('task engine: after a stop mid-task', () => {
  /** Starts a task that checkpoints `{done: 2}` and then never ends; closes the engine. */
  async function interruptedTask(file: string): Promise<string> {
    const engine = engineOn(file);
    const reached = gate();
    engine.register<Counter>({
      kind: 'cluster-create',
      cancellable: true,
      async run(ctx) {
        ctx.step('node-1', { label: 'node-1', status: 'done' });
        await ctx.checkpoint({ done: 2 });
        reached.open();
        await new Promise(() => undefined);
      },
    });
    const { id } = await engine.start({ ...start, kind: 'cluster-create' });
    await reached.opened;
    await engine.close();
    return id;
  }

  function runner(calls: Array<[string, Counter]>): TaskRunner<Counter> {
    return {
      kind: 'cluster-create',
      cancellable: true,
      run: () => Promise.reject(new Error('not expected')),
      async resume(ctx) {
        calls.push(['resume', ctx.state]);
        await ctx.checkpoint({ done: ctx.state.done + 1 });
      },
      rollback(ctx) {
        calls.push(['rollback', ctx.state]);
        return Promise.resolve();
      },
    };
  }

  it('a task that was running is interrupted at the next start, and resumes from its checkpoint', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const id = await interruptedTask(file);
    const engine = engineOn(file);
    // Before its runner is registered, nothing can be done with it.
    expect(engine.get(id)).toMatchObject({
      status: 'interrupted',
      actions: { cancel: false, resume: false, rollback: false },
    });
    const calls: Array<[string, Counter]> = [];
    engine.register(runner(calls));
    expect(engine.get(id)!.actions).toEqual({ cancel: false, resume: true, rollback: true });
    await expect(engine.settled(id)).resolves.toMatchObject({ status: 'interrupted' });
    expect((await engine.resume(id, 'alice')).status).toBe('running');
    expect(await engine.settled(id)).toMatchObject({ status: 'succeeded' });
    expect(calls).toEqual([['resume', { done: 2 }]]);
    await engine.close();
    const reloaded = engineOn(file);
    expect(reloaded.get(id)).toMatchObject({
      status: 'succeeded',
      steps: [{ id: 'node-1', status: 'done' }],
    });
  });

  it('an interrupted task rolls back from its checkpoint', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const id = await interruptedTask(file);
    const engine = engineOn(file);
    const calls: Array<[string, Counter]> = [];
    engine.register(runner(calls));
    await engine.rollback(id);
    expect(await engine.settled(id)).toMatchObject({ status: 'rolled-back' });
    expect(calls).toEqual([['rollback', { done: 2 }]]);
    await expect(engine.resume(id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a task interrupted by a stop is not resumable when its kind has no resume', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const id = await interruptedTask(file);
    const engine = engineOn(file);
    engine.register({ kind: 'cluster-create', cancellable: true, run: () => Promise.resolve() });
    expect(engine.get(id)!.actions).toEqual({ cancel: false, resume: false, rollback: false });
    await expect(engine.resume(id)).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('task actions', () => {
  const full = {
    cancellable: true,
    resume: () => Promise.resolve(),
    rollback: () => Promise.resolve(),
  };
  const bare = { cancellable: false };
  const cases: Array<[TaskStatus, typeof full | typeof bare | undefined, Task['actions']]> = [
    ['running', full, { cancel: true, resume: false, rollback: false }],
    ['running', bare, { cancel: false, resume: false, rollback: false }],
    ['cancelling', full, { cancel: false, resume: false, rollback: false }],
    ['rolling-back', full, { cancel: false, resume: false, rollback: false }],
    ['interrupted', full, { cancel: false, resume: true, rollback: true }],
    ['interrupted', bare, { cancel: false, resume: false, rollback: false }],
    ['interrupted', undefined, { cancel: false, resume: false, rollback: false }],
    ['failed', full, { cancel: false, resume: false, rollback: true }],
    ['failed', bare, { cancel: false, resume: false, rollback: false }],
    ['succeeded', full, { cancel: false, resume: false, rollback: false }],
    ['cancelled', full, { cancel: false, resume: false, rollback: false }],
    ['rolled-back', full, { cancel: false, resume: false, rollback: false }],
  ];
  it.each(cases)('%s with %o offers %o', (status, runner, actions) => {
    expect(actionsOf(status, runner)).toEqual(actions);
  });
});
