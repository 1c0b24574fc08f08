import { BrowserWindow, screen } from 'electron';
import type { CorralCore } from '../core/corral-core';
import { appEntryUrl, type AppEntry } from './app-entry';
import { appIconPath } from './app-icon';
import { connectWindow } from './desktop-connection';
import { buildWindowOptions } from './window-options';
import { loadWindowState, trackWindowState } from './window-state-store';

export interface MainWindowOptions {
  core: CorralCore;
  entry: AppEntry;
  preloadPath: string;
  /** Where window-state.json lives (userData). */
  stateDir: string;
}

/** Opens the main window where the user left it, connected to the core over a MessagePort. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { core, entry, preloadPath, stateDir } = options;
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const state = loadWindowState(stateDir, workAreas);
  const window = new BrowserWindow(
    buildWindowOptions({ preloadPath, bounds: state?.bounds, iconPath: appIconPath() }),
  );
  trackWindowState(window, stateDir);
  const connection = connectWindow(window, core, entry);
  window.once('ready-to-show', () => {
    // Maximizing a hidden window shows it early on some platforms, so do it here.
    if (state?.maximized) window.maximize();
    window.show();
  });
  window.on('closed', () => connection.dispose());
  window.loadURL(appEntryUrl(entry)).catch((err: unknown) => {
    console.error(`corral: could not load the app page: ${String(err)}`);
  });
  return window;
}
