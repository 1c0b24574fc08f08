import { describe, expect, it } from 'vitest';
import { buildWindowOptions, DEFAULT_WINDOW_SIZE } from '../../../electron/window-options';

describe('main window options', () => {
  const options = buildWindowOptions({ preloadPath: '/app/.vite/build/preload.cjs' });
  const web = options.webPreferences ?? {};

  it('isolates and sandboxes the renderer, without Node', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and refuses insecure content, webviews and experiments', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('loads the given preload and nothing else', () => {
    expect(web.preload).toBe('/app/.vite/build/preload.cjs');
    expect(web).not.toHaveProperty('additionalArguments');
  });

  it('opens hidden at the default size, or at remembered bounds', () => {
    expect(options.show).toBe(false);
    expect(options).toMatchObject(DEFAULT_WINDOW_SIZE);
    const bounds = { x: 10, y: 20, width: 900, height: 700 };
    expect(buildWindowOptions({ preloadPath: '/p', bounds })).toMatchObject(bounds);
  });
});
