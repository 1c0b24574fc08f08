import type { Task } from '../../../api/tasks-api';
import { notify, type NoticeVariant } from '../../app/notifications';
import { durationMs, durationText, isFinal, statusText } from './task-text';

/** A task that ran longer than this is one people look away from: tell them when it ends. */
export const LONG_TASK_MS = 10_000;

/**
 * Whether `next` is the caller's own task that has just ended after running over
 * {@link LONG_TASK_MS}: the copy seen before (`prev`) was still going and this one is final.
 * A task first seen already finished (the history at sign-in) is not news.
 */
export function endedAfterLongRun(
  prev: Task | undefined,
  next: Task,
  userId: string,
  now: number,
): boolean {
  if (!prev || next.ownerId !== userId) return false;
  if (isFinal(prev.status) || !isFinal(next.status)) return false;
  return durationMs(next, now) > LONG_TASK_MS;
}

const PREF_KEY = 'corral.tasks.desktopNotify';

/** Whether the user asked for desktop notifications (the switch in the Tasks toolbar). */
export function desktopWanted(): boolean {
  try {
    return localStorage.getItem(PREF_KEY) === '1';
  } catch {
    return false;
  }
}

function rememberWanted(on: boolean): void {
  try {
    if (on) localStorage.setItem(PREF_KEY, '1');
    else localStorage.removeItem(PREF_KEY);
  } catch {
    // Without storage the choice lasts until the page reloads.
  }
}

const canNotify = () => typeof Notification !== 'undefined';

/** Whether a desktop notification would show now: wanted, and allowed by the browser or shell. */
export function desktopOn(): boolean {
  return desktopWanted() && canNotify() && Notification.permission === 'granted';
}

/**
 * Turns desktop notifications on or off from the switch (a user gesture, so the browser may ask
 * for permission, once). Resolves to whether they are on; a refusal is explained in a toast.
 */
export async function setDesktopNotifications(on: boolean): Promise<boolean> {
  if (!on) {
    rememberWanted(false);
    return false;
  }
  if (!canNotify()) {
    notify({ variant: 'warning', title: 'This window cannot show desktop notifications' });
    return false;
  }
  const permission =
    Notification.permission === 'default'
      ? await Notification.requestPermission()
      : Notification.permission;
  if (permission !== 'granted') {
    notify({
      variant: 'warning',
      title: 'Desktop notifications are blocked',
      detail:
        "Allow notifications for Corral in the browser's site settings, then turn this on again.",
    });
    return false;
  }
  rememberWanted(true);
  return true;
}

const VARIANT: Partial<Record<Task['status'], NoticeVariant>> = {
  succeeded: 'success',
  failed: 'danger',
};

/** Tells the user a long task ended: a toast in the app, and on the desktop when they asked. */
export function announceTaskEnd(task: Task, now: number): void {
  const title = `${task.title}: ${statusText(task.status)}`;
  const body = task.error ?? `After ${durationText(durationMs(task, now))}.`;
  notify({ variant: VARIANT[task.status] ?? 'info', title, detail: body });
  if (!desktopOn()) return;
  try {
    // The tag makes a repeated end of the same task replace its notification, not stack.
    new Notification(title, { body, tag: `corral-task-${task.id}` });
  } catch {
    // Some shells only allow notifications from a service worker; the toast has said it.
  }
}
