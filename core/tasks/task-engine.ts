import { randomUUID } from 'node:crypto';
import type { Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import type { Task, TaskKind, TaskStatus, TaskStep } from '../../api/tasks-api';
import type { ReportDataProblem } from '../persistence/data-problems';
import { TaskJournal, type OpenFile } from './task-journal';
import { ACTIVE_STATUSES, actionsOf, isFinal, taskView, type TaskRecord } from './task-record';
import type { StepPatch, TaskContext, TaskRunner, TaskStart, TaskStarter } from './task-runner';

export interface TaskEngineOptions {
  /** The journal (tasks.jsonl in the data folder). */
  file: string;
  report?: ReportDataProblem;
  /** Journal size that triggers compaction (default 4 MiB). */
  compactBytes?: number;
  /** Finished tasks kept as history, newest first (default 2000). */
  keepFinished?: number;
  /** Log lines kept per task (default 200). */
  logLines?: number;
  open?: OpenFile;
}

/** What a list filter may look at. */
export type TaskSummary = Readonly<Pick<Task, 'kind' | 'ownerId' | 'status' | 'targets'>>;

/** What a runner is doing for a task: its first run, a resume, or an undo. */
type Phase = 'run' | 'resume' | 'rollback';

interface Live {
  record: TaskRecord;
  controller?: AbortController;
  waiters: Array<(task: Task) => void>;
}

const PROGRESS_STEP = 0.005;

/**
 * The one engine for long operations. Each task is journaled before its runner starts and at
 * every change after (group-committed by the journal); a runner's `checkpoint` waits for the
 * disk. Tasks the journal shows as working when Corral starts were cut off by a stop or a crash:
 * they become `interrupted`, to be resumed or rolled back by their owner. Finished tasks stay as
 * history (bounded), which is the audit log.
 */
export class TaskEngine implements TaskStarter, Disposable {
  private readonly journal: TaskJournal<TaskRecord>;
  private readonly tasks = new Map<string, Live>();
  private readonly runners = new Map<TaskKind, TaskRunner<unknown>>();
  private readonly changes = new Emitter<Task>();
  private readonly keepFinished: number;
  private readonly logLines: number;
  private disposed = false;
  private closing: Promise<void> | undefined;

  constructor(options: TaskEngineOptions) {
    this.keepFinished = options.keepFinished ?? 2000;
    this.logLines = options.logLines ?? 200;
    this.journal = new TaskJournal<TaskRecord>(options.file, {
      report: options.report,
      compactBytes: options.compactBytes,
      isFinal,
      keepFinal: this.keepFinished,
      open: options.open,
    });
    for (const record of this.journal.load()) {
      const live: Live = { record, waiters: [] };
      this.tasks.set(record.id, live);
      if (ACTIVE_STATUSES.has(record.status)) {
        record.status = 'interrupted';
        this.pushLog(record, 'Corral stopped while this task was working', 'warn');
        void this.touch(live).catch(() => undefined);
      }
    }
    this.prune();
  }

  /** Makes a kind of task startable (and its interrupted tasks resumable). One runner per kind. */
  register<S>(runner: TaskRunner<S>): void {
    if (this.runners.has(runner.kind)) throw new Error(`a runner for ${runner.kind} exists`);
    this.runners.set(runner.kind, runner as TaskRunner<unknown>);
  }

  async start<S>(start: TaskStart<S>): Promise<Task> {
    if (this.disposed) throw new CorralError('unavailable', 'Corral is shutting down');
    const runner = this.runners.get(start.kind);
    if (!runner) throw new Error(`no runner is registered for ${start.kind} tasks`);
    const record: TaskRecord = {
      id: randomUUID(),
      kind: start.kind,
      title: start.title,
      ownerId: start.ownerId,
      status: 'running',
      targets: start.targets,
      steps: (start.steps ?? []).map((s) => ({ ...s, status: s.status ?? 'pending' })),
      log: [],
      startedAt: new Date().toISOString(),
      state: start.state,
    };
    const live: Live = { record, waiters: [] };
    this.tasks.set(record.id, live);
    // On disk before anything happens, so a crash from here on leaves a task to find.
    try {
      await this.touch(live);
    } catch (e) {
      this.tasks.delete(record.id);
      throw e;
    }
    const shown = this.view(live);
    this.launch(live, 'run');
    return shown;
  }

  settled(id: string): Promise<Task> {
    const live = this.tasks.get(id);
    if (!live) return Promise.reject(notFound(id));
    if (!ACTIVE_STATUSES.has(live.record.status)) return Promise.resolve(this.view(live));
    return new Promise((done) => live.waiters.push(done));
  }

  get(id: string): Task | undefined {
    const live = this.tasks.get(id);
    return live && this.view(live);
  }

  /** A task's runner state as last saved (for a service that shows its own view of its tasks). */
  stateOf(id: string): unknown {
    return this.tasks.get(id)?.record.state;
  }

  /** Every task kept, newest first. */
  list(): Task[] {
    return this.select(() => true);
  }

  /**
   * The tasks kept that `match` accepts, newest first, at most `limit`. Filtered before the
   * views are made (each copies its steps and log).
   */
  select(match: (task: TaskSummary) => boolean, limit = Infinity): Task[] {
    return [...this.tasks.values()]
      .filter((live) => match(live.record))
      .reverse()
      .sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt))
      .slice(0, limit)
      .map((live) => this.view(live));
  }

  /** Asks a running task to stop at its next safe point; it is then undone where it can be. */
  async cancel(id: string, by?: string): Promise<Task> {
    const live = this.requireAction(id, 'cancel');
    live.record.status = 'cancelling';
    this.pushLog(live.record, by ? `Cancel requested by ${by}` : 'Cancel requested');
    const written = this.touch(live);
    // At once, journal or not: after a crash a cancelling task is interrupted all the same.
    live.controller?.abort(new CorralError('cancelled', 'cancelled by its owner'));
    const shown = this.view(live);
    await written.catch(() => undefined);
    return shown;
  }

  /** Carries on an interrupted task from its journaled state. */
  async resume(id: string, by?: string): Promise<Task> {
    const live = this.requireAction(id, 'resume');
    await this.enter(live, 'running', by ? `Resumed by ${by}` : 'Resumed');
    const shown = this.view(live);
    this.launch(live, 'resume');
    return shown;
  }

  /** Undoes what an interrupted or failed task did. */
  async rollback(id: string, by?: string): Promise<Task> {
    const live = this.requireAction(id, 'rollback');
    const was = live.record.error ? ` (it had failed: ${live.record.error})` : '';
    await this.enter(live, 'rolling-back', `Rollback requested${by ? ` by ${by}` : ''}${was}`);
    const shown = this.view(live);
    this.launch(live, 'rollback');
    return shown;
  }

  onChanged(listener: (task: Task) => void): Disposable {
    return this.changes.on(listener);
  }

  /** Resolves when every change so far is on disk. */
  flushed(): Promise<void> {
    return this.journal.flushed();
  }

  /**
   * Stops taking work and writes what is queued. Runners still working are left to the next
   * start, which finds them interrupted.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.changes.clear();
    this.closing = this.journal.close();
  }

  /** `dispose`, and resolves once the journal is closed. */
  async close(): Promise<void> {
    this.dispose();
    await this.closing;
  }

  /**
   * Moves a task that is not working into a working status, on disk before its runner starts;
   * if the journal cannot take it, the task stays as it was.
   */
  private async enter(live: Live, status: TaskStatus, note: string): Promise<void> {
    const r = live.record;
    const before = { status: r.status, error: r.error, endedAt: r.endedAt };
    r.status = status;
    r.error = undefined;
    r.endedAt = undefined;
    this.pushLog(r, note);
    try {
      await this.touch(live);
    } catch (e) {
      Object.assign(r, before);
      throw e;
    }
  }

  private launch(live: Live, phase: Phase): void {
    const runner = this.runners.get(live.record.kind)!;
    const controller = new AbortController();
    live.controller = controller;
    const ctx = this.contextFor(live, controller.signal);
    // Async so that a runner throwing before its first await fails the task, not the caller.
    const work = async () => {
      if (phase === 'run') await runner.run(ctx);
      else if (phase === 'resume') await runner.resume!(ctx);
      else await runner.rollback!(ctx);
    };
    void work().then(
      // Done before it reached a point where it could stop: the work is done, so it succeeded.
      () => this.finish(live, phase === 'rollback' ? 'rolled-back' : 'succeeded'),
      (e: unknown) => {
        // Stopped by its owner here, or by whoever feeds it (an upload's client).
        const stopped =
          controller.signal.aborted || (e instanceof CorralError && e.code === 'cancelled');
        if (phase !== 'rollback' && stopped) this.afterCancel(live, runner, messageOf(e));
        else
          this.finish(
            live,
            'failed',
            `${phase === 'rollback' ? 'rollback failed: ' : ''}${messageOf(e)}`,
          );
      },
    );
  }

  private afterCancel(live: Live, runner: TaskRunner<unknown>, why: string): void {
    this.pushLog(live.record, `Stopped: ${why}`, 'warn');
    if (!runner.rollback) {
      this.finish(live, 'cancelled');
      return;
    }
    if (this.disposed) return;
    live.record.status = 'rolling-back';
    this.pushLog(live.record, 'Stopped; undoing what it did');
    void this.touch(live)
      .then(() => this.launch(live, 'rollback'))
      .catch(() => undefined);
  }

  private finish(live: Live, status: TaskStatus, error?: string): void {
    // Shutting down: the journal keeps the task as working, so the next start finds it
    // interrupted rather than finished with a result it never reached.
    if (this.disposed) return;
    const r = live.record;
    r.status = status;
    r.endedAt = new Date().toISOString();
    if (error !== undefined) r.error = error;
    if (status === 'succeeded') r.progress = 1;
    delete r.remainingSeconds;
    live.controller = undefined;
    this.pushLog(r, error ? `Failed: ${error}` : `Ended: ${status}`, error ? 'error' : 'info');
    void this.touch(live).catch(() => undefined);
    const task = this.view(live);
    for (const done of live.waiters.splice(0)) done(task);
    this.prune();
  }

  private contextFor(live: Live, signal: AbortSignal): TaskContext<unknown> {
    const r = live.record;
    const quietly = () => void this.touch(live).catch(() => undefined);
    return {
      id: r.id,
      ownerId: r.ownerId,
      signal,
      get state() {
        return r.state;
      },
      save: (state) => {
        r.state = state;
        quietly();
      },
      checkpoint: (state) => {
        r.state = state;
        return this.touch(live);
      },
      step: (id, patch) => {
        applyStep(r.steps, id, patch);
        quietly();
      },
      progress: (fraction, remainingSeconds) => {
        const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
        const left =
          remainingSeconds !== undefined && Number.isFinite(remainingSeconds)
            ? Math.max(0, Math.round(remainingSeconds))
            : undefined;
        // Small moves are not worth a journal line each (an upload reports every chunk).
        const sameLeft = left === r.remainingSeconds;
        if (
          r.progress !== undefined &&
          Math.abs(f - r.progress) < PROGRESS_STEP &&
          f < 1 &&
          sameLeft
        )
          return;
        r.progress = f;
        if (left === undefined) delete r.remainingSeconds;
        else r.remainingSeconds = left;
        quietly();
      },
      log: (text, level = 'info') => {
        this.pushLog(r, text, level);
        quietly();
      },
    };
  }

  private pushLog(r: TaskRecord, text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    r.log.push({ at: new Date().toISOString(), level, text });
    if (r.log.length > this.logLines) r.log.splice(0, r.log.length - this.logLines);
  }

  /** Tells listeners and journals the task; resolves once it is on disk. */
  private touch(live: Live): Promise<void> {
    const written = this.disposed
      ? Promise.reject(new CorralError('unavailable', 'Corral is shutting down'))
      : this.journal.put(live.record);
    // Callers that do not wait must not leave a rejection unhandled.
    written.catch(() => undefined);
    if (!this.disposed) this.changes.fire(this.view(live));
    return written;
  }

  /** Forgets the oldest finished tasks beyond the history bound (the journal does the same). */
  private prune(): void {
    const finished = [...this.tasks.values()].filter((l) => isFinal(l.record));
    if (finished.length <= this.keepFinished) return;
    finished.sort((a, b) => a.record.startedAt.localeCompare(b.record.startedAt));
    for (const live of finished.slice(0, finished.length - this.keepFinished)) {
      this.tasks.delete(live.record.id);
    }
  }

  private view(live: Live): Task {
    return taskView(live.record, actionsOf(live.record.status, this.runners.get(live.record.kind)));
  }

  private require(id: string): Live {
    const live = this.tasks.get(id);
    if (!live) throw notFound(id);
    return live;
  }

  private requireAction(id: string, action: keyof Task['actions']): Live {
    if (this.disposed) throw new CorralError('unavailable', 'Corral is shutting down');
    const live = this.require(id);
    if (!this.view(live).actions[action]) {
      throw new CorralError(
        'conflict',
        `task ${id} cannot be ${ACTION_WORDS[action]} while it is ${live.record.status}`,
      );
    }
    return live;
  }
}

/** Worded as for another user's task (the tasks service says the same). */
function notFound(id: string): CorralError {
  return new CorralError('not-found', `task ${id} does not exist or is not yours`);
}

const ACTION_WORDS = { cancel: 'cancelled', resume: 'resumed', rollback: 'rolled back' } as const;

/** Adds the step, or patches it; notes when it started and ended. */
function applyStep(steps: TaskStep[], id: string, patch: StepPatch): void {
  let step = steps.find((s) => s.id === id);
  if (!step) {
    step = { id, label: patch.label ?? id, status: 'pending' };
    steps.push(step);
  }
  const now = new Date().toISOString();
  if (patch.status === 'running' && step.status !== 'running') step.startedAt ??= now;
  if (patch.status && patch.status !== 'running' && patch.status !== 'pending') step.endedAt = now;
  Object.assign(step, definedOnly(patch));
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
