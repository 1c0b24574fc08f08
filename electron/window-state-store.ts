import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow } from 'electron';
import { restorableWindowState, type Bounds, type WindowState } from './window-state';

const FILE_NAME = 'window-state.json';

/**
 * Reads the remembered window state from `userData`, or `undefined` (first run, unreadable or
 * corrupt file, or bounds on a display that is gone: the window then opens at its defaults).
 */
export function loadWindowState(
  userDataDir: string,
  workAreas: readonly Bounds[],
): WindowState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(userDataDir, FILE_NAME), 'utf8'));
  } catch {
    return undefined;
  }
  return restorableWindowState(raw, workAreas);
}

/**
 * Remembers the window's bounds and maximized flag when it closes. The normal bounds are saved
 * even when maximized, so un-maximizing next time lands where the user left it.
 */
export function trackWindowState(window: BrowserWindow, userDataDir: string): void {
  window.on('close', () => {
    const state: WindowState = {
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized(),
    };
    const path = join(userDataDir, FILE_NAME);
    try {
      // Written whole and renamed into place: a crash mid-write leaves the old file, not half.
      writeFileSync(`${path}.tmp`, JSON.stringify(state), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      console.warn(`corral: could not save the window state: ${String(err)}`);
    }
  });
}
