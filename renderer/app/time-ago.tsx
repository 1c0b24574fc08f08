import { useSyncExternalStore } from 'react';
import { exactTime, relativeTime } from './relative-time';

/** How often relative times are redrawn: minutes are the finest unit shown. */
const TICK_MS = 15_000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

/** One shared clock for every relative time on screen, running only while one is shown. */
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, refreshed every few seconds while a component uses it. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** "3 min ago", with the exact time on hover and for machines (`<time dateTime>`). */
export function TimeAgo({ when }: { when: string }) {
  const current = useNow();
  return (
    <time dateTime={when} title={exactTime(when)}>
      {relativeTime(when, Math.max(current, Date.now() - TICK_MS))}
    </time>
  );
}
