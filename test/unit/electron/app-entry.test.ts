import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appEntryUrl, isAppUrl, resolveAppEntry } from '../../../electron/app-entry';

describe('app entry and the trusted-sender check', () => {
  const dev = resolveAppEntry('http://localhost:5173', '/unused/index.html');
  const file = resolveAppEntry(
    undefined,
    '/opt/Corral/resources/app.asar/.vite/renderer/main_window/index.html',
  );

  it('uses the dev server when Forge defines one, else the built file', () => {
    expect(dev).toEqual({ kind: 'dev-server', url: 'http://localhost:5173' });
    expect(file.kind).toBe('file');
    expect(appEntryUrl(file)).toBe(
      pathToFileURL('/opt/Corral/resources/app.asar/.vite/renderer/main_window/index.html').href,
    );
  });

  it('trusts the dev server origin only', () => {
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173/index.html#/hosts', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('http://localhost.evil.example:5173/', dev)).toBe(false);
    expect(isAppUrl('file:///index.html', dev)).toBe(false);
    expect(isAppUrl('about:blank', dev)).toBe(false);
  });

  it('trusts exactly the built index.html', () => {
    const own = appEntryUrl(file);
    expect(isAppUrl(own, file)).toBe(true);
    expect(isAppUrl(`${own}#/clusters`, file)).toBe(true);
    expect(isAppUrl(own.replace('index.html', 'other.html'), file)).toBe(false);
    expect(isAppUrl('file:///tmp/index.html', file)).toBe(false);
    expect(isAppUrl(own.replace('file://', 'file://evil-host'), file)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', file)).toBe(false);
    expect(isAppUrl('chrome-error://chromewebdata/', file)).toBe(false);
    expect(isAppUrl('', file)).toBe(false);
  });
});
