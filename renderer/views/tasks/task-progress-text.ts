import type { Task } from '../../../api/tasks-api';
import { durationText, isActive } from './task-text';

/** What a running step is doing: its detail when it says one ("copying memory: 412 of 512 MiB"). */
export function phaseText(task: Pick<Task, 'steps'>): string | undefined {
  const step = task.steps.findLast((s) => s.status === 'running');
  if (!step) return undefined;
  return step.detail ? `${step.label}: ${step.detail}` : step.label;
}

/** Time left as people say it; under a second is "almost done", not "0 ms". */
export function remainingText(seconds: number): string {
  if (seconds < 1) return 'almost done';
  return `about ${durationText(Math.round(seconds) * 1000)} left`;
}

/**
 * The line under a running task's progress bar: the running step's phase, the percentage and the
 * time left, each when the runner reports it (any kind that fills `remainingSeconds` gets it).
 * Nothing for a task that has ended or reports none of them.
 */
export function progressNote(
  task: Pick<Task, 'status' | 'steps' | 'progress' | 'remainingSeconds'>,
): string | undefined {
  if (!isActive(task.status)) return undefined;
  const parts = [
    phaseText(task),
    task.progress === undefined ? undefined : `${Math.round(task.progress * 100)}%`,
    task.remainingSeconds === undefined ? undefined : remainingText(task.remainingSeconds),
  ].filter((p): p is string => p !== undefined);
  return parts.length ? parts.join(' · ') : undefined;
}
