import type { Task, TaskStatus } from '../../api/tasks-api';
import type { TaskRunner } from './task-runner';

/** A task as journaled: the contract's view without `actions`, plus the runner's own state. */
export interface TaskRecord extends Omit<Task, 'actions'> {
  state: unknown;
}

/** Statuses after which nothing more happens to a task. */
export const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rolled-back',
]);

/** Statuses in which a runner is (or was, before a crash) working. */
export const ACTIVE_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'queued',
  'running',
  'cancelling',
  'rolling-back',
]);

export function isFinal(record: Pick<TaskRecord, 'status'>): boolean {
  return FINAL_STATUSES.has(record.status);
}

/**
 * What the owner may do now, from the status and what the kind's runner can do. A kind no
 * runner is registered for (yet) offers nothing.
 */
export function actionsOf(
  status: TaskStatus,
  runner: Pick<TaskRunner<unknown>, 'cancellable' | 'resume' | 'rollback'> | undefined,
): Task['actions'] {
  return {
    cancel: status === 'running' && (runner?.cancellable ?? false),
    resume: status === 'interrupted' && runner?.resume !== undefined,
    rollback: (status === 'interrupted' || status === 'failed') && runner?.rollback !== undefined,
  };
}

/** The contract's view of a record (copies: listeners must not change the engine's record). */
export function taskView(record: TaskRecord, actions: Task['actions']): Task {
  const { state: _state, ...task } = record;
  return {
    ...task,
    targets: task.targets.map((t) => ({ ...t })),
    steps: task.steps.map((s) => ({ ...s })),
    log: task.log.map((l) => ({ ...l })),
    actions,
  };
}
