import { CorralError } from '../../../api/errors';
import type { Task, TaskStatus } from '../../../api/tasks-api';
import { notify, useNotifications, type NoticeVariant } from '../../app/notifications';
import { useAppStore } from '../../state/app-store';
import { LONG_TASK_MS } from '../tasks/long-task-notice';
import { durationMs } from '../tasks/task-text';
import type { VmOpsClient } from './vm-ops-client';

/** Where a task stops moving on its own, and how its end is reported. */
const ENDS: Partial<Record<TaskStatus, { variant: NoticeVariant; verb: string }>> = {
  succeeded: { variant: 'success', verb: 'Done' },
  failed: { variant: 'danger', verb: 'Failed' },
  cancelled: { variant: 'warning', verb: 'Cancelled' },
  'rolled-back': { variant: 'warning', verb: 'Rolled back' },
  interrupted: { variant: 'warning', verb: 'Interrupted' },
};

/** Where a person finds a task's steps and log. */
export const TASKS_HINT = 'Its steps and log are in the Tasks tab of the dock.';

/** The link in the notice that opens the Tasks tab. */
const SHOW_TASKS = {
  label: 'Show in Tasks',
  run: () => useAppStore.getState().showDockTab('tasks'),
};

/** How often a task is read again, in case an event was missed (a reconnect, an older server). */
const POLL_MS = 3000;

/** Whether a task has ended (or stopped until someone resumes it). */
export const hasEnded = (task: Pick<Task, 'status'>) => ENDS[task.status] !== undefined;

/** The reason a task failed, as its runner put it. */
function reason(task: Task): string | undefined {
  return task.error ?? task.log.findLast((l) => l.level === 'error')?.text;
}

/**
 * Reports a task a dialog started (a toast that points at the Tasks tab), then follows it to its
 * end, reports that too and calls `onEnd` (a list to read again). Lives outside React: the dialog
 * that started it is usually closed by then.
 */
export function followTask(
  client: Pick<VmOpsClient, 'tasks'>,
  started: Task,
  onEnd?: (task: Task) => void,
) {
  const startedNotice = notify({
    variant: 'info',
    title: `Started: ${started.title}`,
    detail: TASKS_HINT,
    action: SHOW_TASKS,
  });
  let done = false;
  const finish = (task: Task) => {
    const end = ENDS[task.status];
    if (done || task.id !== started.id || !end) return;
    done = true;
    sub.dispose();
    clearInterval(timer);
    // The end replaces the start: one notice per task on screen.
    useNotifications.getState().dismiss(startedNotice);
    // A long task's end is announced by the Tasks tab's feed; a quick one only here.
    if (durationMs(task, Date.now()) <= LONG_TASK_MS) {
      notify({
        variant: end.variant,
        title: `${end.verb}: ${task.title}`,
        detail: task.status === 'succeeded' ? undefined : (reason(task) ?? TASKS_HINT),
        action: SHOW_TASKS,
      });
    }
    onEnd?.(task);
  };
  const sub = client.tasks.onChanged(finish);
  const timer = setInterval(() => {
    client.tasks.get({ id: started.id }).then(finish, (err: unknown) => {
      // A server that does not know tasks (or this one) has nothing more to say; the first toast
      // stands. Other errors (a reconnect) are tried again.
      if (err instanceof CorralError && err.code === 'not-found') {
        sub.dispose();
        clearInterval(timer);
      }
    });
  }, POLL_MS);
  finish(started);
}
