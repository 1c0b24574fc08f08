import type { BrowserWindowConstructorOptions } from 'electron';
import { MIN_WINDOW_SIZE, type Bounds } from './window-state';

export interface WindowOptionsInput {
  /** Absolute path of the built preload script (`preload.cjs`). */
  preloadPath: string;
  /** Remembered bounds to restore; without them the window opens centred at the default size. */
  bounds?: Bounds;
  /** The application icon (taskbars and window switchers on Linux and Windows). */
  iconPath?: string;
}

/** The size of a first-run window. */
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 800 } as const;

/**
 * The main window's options, pure so a unit test can inspect them without Electron. The
 * webPreferences are the Electron security checklist: an isolated, sandboxed renderer without
 * Node, with web security on and no webview, whose only bridge is the port the preload forwards.
 */
export function buildWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const { bounds } = input;
  return {
    title: 'Corral',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    ...(bounds ?? DEFAULT_WINDOW_SIZE),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#1f2328',
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A file dropped on the window must not replace the app with it.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}
