import { useSyncExternalStore } from 'react';
import { exactTime, relativeTime } from './relative-time';

/** How often relative times are redrawn: minutes are the finest unit shown. */
const TICK_MS = 15_000;

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

/** One shared clock for every relative time on screen, running only while one is shown. */
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    for (const l of listeners) l();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Now, to the tick: the same value for every read within one tick, as React requires. */
const tickNow = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;

/** The current time, refreshed every few seconds while a component uses it. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, tickNow);
}

/** "3 min ago", with the exact time on hover and for machines (`<time dateTime>`). */
export function TimeAgo({ when }: { when: string }) {
  const current = useNow();
  return (
    <time dateTime={when} title={exactTime(when)}>
      {relativeTime(when, current)}
    </time>
  );
}
