import { create } from 'zustand';
import { consoleWindowHash } from '../../api/console-window-route';
import { consoleKey, type ConsoleTarget } from './console-ref';

/**
 * Which consoles are popped out into their own tab or window. The windows of one app share
 * localStorage (the browser's tabs of one origin; Electron's windows of one page), and a change
 * there reaches every other window as a `storage` event: the popped-out window says "open" while
 * it shows the console and takes it back when it goes, and the dock says "bring back" to close it.
 */
const PREFIX = 'corral.console-popout:';
const OPEN = 'open';
const BRING_BACK = 'bring-back';

interface PopoutState {
  /** Keys of the consoles shown in another window now. */
  out: ReadonlySet<string>;
}

export const usePopoutStore = create<PopoutState>(() => ({ out: new Set() }));

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    // Storage may be unavailable (privacy modes): nothing pops out then.
    return undefined;
  }
}

function readOut(): Set<string> {
  const out = new Set<string>();
  const store = storage();
  if (!store) return out;
  for (let i = 0; i < store.length; i++) {
    const item = store.key(i);
    if (item?.startsWith(PREFIX) && store.getItem(item) === OPEN)
      out.add(item.slice(PREFIX.length));
  }
  return out;
}

function mark(key: string, isOut: boolean): void {
  usePopoutStore.setState((s) => {
    if (s.out.has(key) === isOut) return s;
    const out = new Set(s.out);
    if (isOut) out.add(key);
    else out.delete(key);
    return { out };
  });
}

/**
 * For the main window: follows consoles popping out and coming back in other windows, starting
 * from those already out (a reloaded main window). Returns the unsubscribe.
 */
export function followPopouts(): () => void {
  usePopoutStore.setState({ out: readOut() });
  const onStorage = (e: StorageEvent) => {
    if (e.key === null) return usePopoutStore.setState({ out: readOut() });
    if (!e.key.startsWith(PREFIX)) return;
    mark(e.key.slice(PREFIX.length), e.newValue === OPEN);
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}

/**
 * Opens `target`'s console on its own: a new tab in a browser; in the desktop app the main
 * process turns exactly this address into a hardened window of its own. The dock marks the tab
 * "Open in another window" once that window says it shows the console.
 */
export function popOut(target: ConsoleTarget): void {
  const url = `${location.pathname}${location.search}${consoleWindowHash(target)}`;
  // No opener: the new page cannot reach back into this one.
  window.open(url, '_blank', 'noopener');
}

/** Asks the window showing `key` to close, and shows the console in the dock again. */
export function bringBack(key: string): void {
  const store = storage();
  store?.setItem(PREFIX + key, BRING_BACK);
  store?.removeItem(PREFIX + key);
  mark(key, false);
}

/**
 * For the popped-out window: says it shows `target`'s console until the page goes (closed or
 * reloaded), and calls `onBroughtBack` when the dock takes the console back. Returns the undo.
 */
export function announcePoppedOut(target: ConsoleTarget, onBroughtBack: () => void): () => void {
  const item = PREFIX + consoleKey(target);
  const store = storage();
  store?.setItem(item, OPEN);
  const gone = () => {
    if (store?.getItem(item) === OPEN) store.removeItem(item);
  };
  const onStorage = (e: StorageEvent) => {
    if (e.key === item && e.newValue === BRING_BACK) onBroughtBack();
  };
  window.addEventListener('pagehide', gone);
  window.addEventListener('storage', onStorage);
  return () => {
    window.removeEventListener('pagehide', gone);
    window.removeEventListener('storage', onStorage);
    gone();
  };
}
