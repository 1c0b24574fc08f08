import { randomUUID } from 'node:crypto';
import type { UploadTarget } from '../../api/images-api';
import type { StepStatus } from '../../api/tasks-api';
import type { CallContext } from '../call-context';
import type { StepPatch, TaskContext, TaskRunner, TaskStarter } from '../tasks/task-runner';

/** The task engine as uploads use it, and who the caller is (the task's owner). */
export interface UploadTasks {
  engine: TaskStarter & { register<S>(runner: TaskRunner<S>): void };
  ownerOf(ctx: CallContext): string;
}

/** What an upload tells its task: steps, bytes, how it ended; and the owner's cancel. */
export interface UploadTask {
  /** Aborted when the owner cancels the upload in the Tasks tab. */
  readonly signal: AbortSignal;
  step(id: UploadStep, patch: StepPatch): void;
  bytes(uploaded: number): void;
  succeeded(): void;
  failed(error: Error): void;
}

type UploadStep = 'create' | 'transfer' | 'check';

interface UploadState {
  /** Which upload of this run the task belongs to (not resumable: the bytes come from a browser). */
  job: string;
}

interface Job {
  attach(ctx: TaskContext<UploadState>): void;
  finished: Promise<void>;
}

/** Detail of the transfer step at most this often (bytes), besides the engine's progress. */
const DETAIL_EVERY = 8 * 1024 * 1024;

/**
 * Makes every image upload a task (kind `image-upload`) so it shows with the others: steps,
 * bytes, cancel. The bytes come over the upload stream the images service drives, so the task's
 * runner only waits for that upload's end; a crash leaves it interrupted with nothing to resume,
 * and the images service removes the partial volume at the next start.
 */
export class UploadTaskRunner implements TaskRunner<UploadState> {
  readonly kind = 'image-upload';
  readonly cancellable = true;
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly tasks: UploadTasks) {
    tasks.engine.register(this);
  }

  run(ctx: TaskContext<UploadState>): Promise<void> {
    const job = this.jobs.get(ctx.state.job);
    if (!job) return Promise.reject(new Error('the upload is no longer connected'));
    job.attach(ctx);
    return job.finished;
  }

  /** Starts the task of one upload; resolves once its runner runs. */
  async start(target: UploadTarget, ctx: CallContext): Promise<UploadTask> {
    const id = randomUUID();
    let settle!: { done: () => void; fail: (e: Error) => void };
    const finished = new Promise<void>((done, fail) => (settle = { done, fail }));
    // The engine reports the failure; no one else waits on this promise.
    finished.catch(() => undefined);
    let attach!: (ctx: TaskContext<UploadState>) => void;
    const attached = new Promise<TaskContext<UploadState>>((r) => (attach = r));
    this.jobs.set(id, { attach, finished });
    try {
      await this.tasks.engine.start<UploadState>({
        kind: 'image-upload',
        ownerId: this.tasks.ownerOf(ctx),
        title: `Upload ${target.name} to pool ${target.pool}`,
        targets: [{ kind: 'image', hostId: target.hostId, pool: target.pool, volume: target.name }],
        steps: [
          { id: 'create', label: 'Create the volume', hostId: target.hostId },
          { id: 'transfer', label: `Send ${formatBytes(target.sizeBytes)}` },
          { id: 'check', label: 'Check the format' },
        ],
        state: { job: id },
      });
      return taskOf(await attached, target.sizeBytes, settle);
    } finally {
      this.jobs.delete(id);
    }
  }
}

function taskOf(
  ctx: TaskContext<UploadState>,
  size: number,
  settle: { done: () => void; fail: (e: Error) => void },
): UploadTask {
  const running = new Set<UploadStep>();
  let detailAt = 0;
  const step = (id: UploadStep, patch: StepPatch) => {
    if (patch.status === 'running') running.add(id);
    else if (patch.status) running.delete(id);
    ctx.step(id, patch);
  };
  return {
    signal: ctx.signal,
    step,
    bytes(uploaded) {
      ctx.progress(size === 0 ? 1 : uploaded / size);
      if (uploaded - detailAt < DETAIL_EVERY && uploaded < size) return;
      detailAt = uploaded;
      ctx.step('transfer', { detail: `${formatBytes(uploaded)} of ${formatBytes(size)}` });
    },
    succeeded() {
      settle.done();
    },
    failed(error) {
      const status: StepStatus = ctx.signal.aborted ? 'cancelled' : 'failed';
      for (const id of [...running]) step(id, { status, error: error.message });
      settle.fail(error);
    },
  };
}

/** The same calls, going nowhere: the images service without a task engine (its own tests). */
export function untrackedUpload(): UploadTask {
  return {
    signal: new AbortController().signal,
    step: () => undefined,
    bytes: () => undefined,
    succeeded: () => undefined,
    failed: () => undefined,
  };
}

function formatBytes(n: number): string {
  const MiB = 1024 * 1024;
  return n >= 1024 * MiB ? `${(n / (1024 * MiB)).toFixed(1)} GiB` : `${(n / MiB).toFixed(1)} MiB`;
}
