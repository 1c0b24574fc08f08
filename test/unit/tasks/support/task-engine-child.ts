import { TaskEngine } from '../../../../core/tasks/task-engine';
import type { TaskContext } from '../../../../core/tasks/task-runner';

/**
 * A process that works the task engine hard until it is killed: it resumes every interrupted
 * task it finds and starts three more, each checkpointing step after step. It prints
 * `ckpt <task> <n>` once checkpoint n is on disk (what the parent may then rely on).
 * Arguments: the journal file, the compaction size, the steps per task.
 */
const [file, compactBytes, stepsPerTask] = process.argv.slice(2);
const total = Number(stepsPerTask);
const engine = new TaskEngine({ file: file!, compactBytes: Number(compactBytes) });

async function work(ctx: TaskContext<{ n: number }>): Promise<void> {
  for (let n = ctx.state.n + 1; n <= total; n++) {
    ctx.step(`node-${n % 7}`, { status: 'running', detail: `step ${n}` });
    ctx.log(`step ${n} of ${total}`);
    ctx.progress(n / total);
    await ctx.checkpoint({ n });
    process.stdout.write(`ckpt ${ctx.id} ${n}\n`);
  }
}

engine.register<{ n: number }>({
  kind: 'cluster-create',
  cancellable: true,
  run: work,
  resume: work,
});
for (const task of engine.list()) if (task.actions.resume) void engine.resume(task.id);
for (let k = 0; k < 3; k++) {
  void engine.start({
    kind: 'cluster-create',
    ownerId: 'u1',
    title: `Create cluster c${k}`,
    targets: [{ kind: 'cluster', cluster: `c${k}` }],
    state: { n: 0 },
  });
}
