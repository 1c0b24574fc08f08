// The desktop shell's entry (bundled to .vite/build/main.js as an ES module).
import { join } from 'node:path';
import { app, BrowserWindow, Menu, session, type WebContents } from 'electron';
import { CorralCore } from '../core/corral-core';
import { buildMenuTemplate } from './app-menu';
import { isAppUrl, resolveAppEntry } from './app-entry';
import { openConsoleWindow } from './console-window';
import { consoleWindowTargetOf } from './console-window-url';
import { SafeStorageCipher } from './safe-storage-cipher';
import { createMainWindow } from './main-window';
import { openExternal } from './open-external';
import { hardenSession } from './session-hardening';
import { guardWebContents } from './web-contents-guards';

// Every renderer sandboxed, whatever a future window forgets to ask for.
app.enableSandbox();

// One instance per user: two would write the same store in userData.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main();
}

async function main(): Promise<void> {
  // Forge defines the dev server URL only under `electron-forge start`; `typeof` keeps this safe
  // should a build leave the identifier undefined, and a packaged app never uses a dev server.
  const devServerUrl =
    typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && !app.isPackaged
      ? MAIN_WINDOW_VITE_DEV_SERVER_URL
      : undefined;
  const buildDir = import.meta.dirname;
  const entry = resolveAppEntry(
    devServerUrl,
    join(buildDir, '..', 'renderer', MAIN_WINDOW_VITE_NAME, 'index.html'),
  );

  const preloadPath = join(buildDir, 'preload.cjs');
  // Set once the app is ready; the guards below go on before that.
  const running: { core?: CorralCore } = {};
  // The one window a page may ask for: a console popped out of the dock, at exactly its address.
  const openAppWindow = (url: string, opener: WebContents): boolean => {
    const target = consoleWindowTargetOf(url, entry);
    const core = running.core;
    if (!target || !core || !isAppUrl(opener.getURL(), entry)) return false;
    openConsoleWindow({ core, entry, preloadPath, target, opener });
    return true;
  };

  // Guards go on before any WebContents exists, so none is ever unguarded.
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, openExternal, openAppWindow),
  );

  await app.whenReady();
  hardenSession(session.defaultSession);
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(process.platform)));

  const stateDir = app.getPath('userData');
  const core = new CorralCore({
    dataDir: stateDir,
    shell: 'desktop',
    cipher: new SafeStorageCipher(),
  });
  running.core = core;
  const open = () => createMainWindow({ core, entry, preloadPath, stateDir });
  let window = open();

  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // macOS keeps the app running with no window; the dock icon reopens one.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quitting waits once for the tasks journal, so what it has queued reaches the disk.
  let journalClosed = false;
  app.on('will-quit', (event) => {
    if (journalClosed) return;
    event.preventDefault();
    void core.tasks.close().finally(() => {
      journalClosed = true;
      core.dispose();
      app.quit();
    });
  });
}
