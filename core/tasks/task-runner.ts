import type { StepStatus, Task, TaskKind, TaskStep, TaskTarget } from '../../api/tasks-api';

/**
 * What a runner sees of its task while it runs. Every change is journaled (batched: the engine
 * group-commits), and `checkpoint` waits until the runner's state is on disk, so a runner calls
 * it before a step whose effect it must be able to find again after a crash.
 */
export interface TaskContext<S> {
  readonly id: string;
  readonly ownerId: string;
  /** Aborted when the owner cancels (only for kinds whose runner declares `cancellable`). */
  readonly signal: AbortSignal;
  /** The runner's own state (what resume and rollback need), as last saved. */
  readonly state: S;
  /** Replaces the runner's state; journaled with the next batch. */
  save(state: S): void;
  /** Replaces the state and resolves once it (and everything before it) is on disk. */
  checkpoint(state: S): Promise<void>;
  /** Adds or updates a step (by id). */
  step(id: string, patch: StepPatch): void;
  /** 0 to 1; with an estimate of the seconds left when the runner has one (absent: none known). */
  progress(fraction: number, remainingSeconds?: number): void;
  log(text: string, level?: 'info' | 'warn' | 'error'): void;
}

export interface StepPatch {
  label?: string;
  status?: StepStatus;
  detail?: string;
  hostId?: string;
  error?: string;
}

/**
 * One kind of long operation. `run` throws to fail the task (its message is the task's error);
 * resolving means succeeded. After a cancel the engine calls `rollback` when the runner has one;
 * a runner stopped from elsewhere (an upload's client went away) throws a CorralError with code
 * `cancelled` to end the same way.
 */
export interface TaskRunner<S> {
  readonly kind: TaskKind;
  /** Whether the owner may cancel it while it runs. */
  readonly cancellable: boolean;
  run(ctx: TaskContext<S>): Promise<void>;
  /** Carries on an interrupted task from its journaled state (absent: it can only be rolled back or forgotten). */
  resume?(ctx: TaskContext<S>): Promise<void>;
  /** Undoes what the task did, from its journaled state (absent: nothing to undo). */
  rollback?(ctx: TaskContext<S>): Promise<void>;
}

/** What starting a task needs. */
export interface TaskStart<S> {
  kind: TaskKind;
  ownerId: string;
  title: string;
  targets: TaskTarget[];
  /** Known steps up front (pending), so the Tasks tab shows the whole plan at once. */
  steps?: Array<Pick<TaskStep, 'id' | 'label'> & StepPatch>;
  state: S;
}

/** The engine as the services use it. */
export interface TaskStarter {
  /** Journals the task, starts its runner, and returns it as first shown (queued or running). */
  start<S>(start: TaskStart<S>): Promise<Task>;
  /** Resolves when the task reaches a final or interrupted state. */
  settled(id: string): Promise<Task>;
}
