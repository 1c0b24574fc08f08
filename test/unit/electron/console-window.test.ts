import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebContents } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleWindowHash } from '../../../api/console-window-route';
import { CorralCore } from '../../../core/corral-core';
import { resolveAppEntry } from '../../../electron/app-entry';
import { buildWindowOptions } from '../../../electron/window-options';

/** Just enough of BrowserWindow to see what the console window is built with and loads. */
const windows: FakeBrowserWindow[] = [];
class FakeBrowserWindow extends EventEmitter {
  static nextId = 1;
  readonly id = FakeBrowserWindow.nextId++;
  loaded: string | undefined;
  focused = 0;
  destroyed = false;
  readonly webContents = Object.assign(new EventEmitter(), {
    mainFrame: { url: '', postMessage: () => {} },
  });
  constructor(readonly options: Record<string, unknown>) {
    super();
    windows.push(this);
  }
  loadURL(url: string) {
    this.loaded = url;
    return Promise.resolve();
  }
  focus() {
    this.focused++;
  }
  show() {}
  isDestroyed() {
    return this.destroyed;
  }
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
}

vi.mock('electron', async () => ({
  BrowserWindow: FakeBrowserWindow,
  MessageChannelMain: (await import('./fake-electron')).FakeMessageChannelMain,
  app: { isPackaged: false, getAppPath: () => '/app' },
}));

const { openConsoleWindow } = await import('../../../electron/console-window');

const target = { hostId: 'local', uuid: '0f8e4a52-1c3d-4b7e-9a61-5d2c8b9e7f10', name: 'node-1' };

describe('console window (desktop pop-out)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    cleanup.splice(0).forEach((fn) => fn());
    windows.splice(0);
  });

  const setup = () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'corral-console-window-'));
    const core = new CorralCore({
      dataDir,
      shell: 'desktop',
      libvirtSocket: join(dataDir, 'no-libvirt.sock'),
    });
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanup.push(() => core.dispose());
    const opener = Object.assign(new EventEmitter(), { isDestroyed: () => false });
    const entry = resolveAppEntry(undefined, '/opt/Corral/renderer/main_window/index.html');
    const open = () =>
      openConsoleWindow({
        core,
        entry,
        preloadPath: '/opt/Corral/build/preload.cjs',
        target,
        opener: opener as unknown as WebContents,
      });
    return { open, opener };
  };

  it("is built with the main window's hardened web preferences and loads the console address", () => {
    const { open } = setup();
    open();
    const [window] = windows;
    expect(window?.options.webPreferences).toEqual(
      buildWindowOptions({ preloadPath: '/opt/Corral/build/preload.cjs' }).webPreferences,
    );
    expect(window?.options.show).toBe(false);
    expect(window?.options.title).toBe('node-1 — Corral console');
    expect(window?.loaded).toBe(
      `file:///opt/Corral/renderer/main_window/index.html${consoleWindowHash(target)}`,
    );
    window?.close();
  });

  it('shows the window already open for the same console instead of a second one', () => {
    const { open } = setup();
    open();
    open();
    expect(windows).toHaveLength(1);
    expect(windows[0]?.focused).toBe(1);
    windows[0]?.close();
    open();
    expect(windows).toHaveLength(2);
    windows[1]?.close();
  });

  it('closes with the window that opened it', () => {
    const { open, opener } = setup();
    open();
    opener.emit('destroyed');
    expect(windows[0]?.destroyed).toBe(true);
  });
});
