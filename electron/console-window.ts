import { BrowserWindow, type WebContents } from 'electron';
import { consoleWindowHash, type ConsoleWindowTarget } from '../api/console-window-route';
import type { CorralCore } from '../core/corral-core';
import { appIconPath } from './app-icon';
import type { AppEntry } from './app-entry';
import { consoleWindowUrl } from './console-window-url';
import { connectWindow, sessionOfContents } from './desktop-connection';
import { buildWindowOptions } from './window-options';

/** A popped-out console's first size: a terminal of about 100 x 30. */
export const CONSOLE_WINDOW_SIZE = { width: 960, height: 600 } as const;

export interface ConsoleWindowOptions {
  core: CorralCore;
  entry: AppEntry;
  preloadPath: string;
  target: ConsoleWindowTarget;
  /** The window that asked: the console window signs in as it did. */
  opener: WebContents;
}

/** Open console windows by console address: asking twice shows the one already open. */
const open = new Map<string, BrowserWindow>();

/**
 * A console on its own window: the main window's hardened options (the same builder, preload,
 * session and therefore CSP and guards) and its own MessagePort connection, signed in with the
 * opener's session. The console session in core keeps the screen, so the window shows it at once.
 */
export function openConsoleWindow(options: ConsoleWindowOptions): BrowserWindow {
  const { core, entry, preloadPath, target, opener } = options;
  const hash = consoleWindowHash(target);
  const existing = open.get(hash);
  if (existing && !existing.isDestroyed()) {
    existing.focus();
    return existing;
  }
  const window = new BrowserWindow({
    ...buildWindowOptions({ preloadPath, iconPath: appIconPath() }),
    ...CONSOLE_WINDOW_SIZE,
    title: `${target.name} — Corral console`,
  });
  open.set(hash, window);
  const connection = connectWindow(window, core, entry, {
    borrowSession: () => (opener.isDestroyed() ? undefined : sessionOfContents(opener)),
  });
  window.once('ready-to-show', () => window.show());
  // It lives on the main window's sign-in: when that window goes, so does the console window.
  const closeWithOpener = () => {
    if (!window.isDestroyed()) window.close();
  };
  opener.once('destroyed', closeWithOpener);
  window.on('closed', () => {
    connection.dispose();
    if (!opener.isDestroyed()) opener.off('destroyed', closeWithOpener);
    if (open.get(hash) === window) open.delete(hash);
  });
  window.loadURL(consoleWindowUrl(entry, hash)).catch((err: unknown) => {
    console.error(`corral: could not load the console window: ${String(err)}`);
  });
  return window;
}
