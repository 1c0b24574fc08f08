import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { consoleWindowHash } from '../../../api/console-window-route';
import { resolveAppEntry } from '../../../electron/app-entry';
import { consoleWindowTargetOf, consoleWindowUrl } from '../../../electron/console-window-url';

const UUID = '0f8e4a52-1c3d-4b7e-9a61-5d2c8b9e7f10';
const target = { hostId: 'local', uuid: UUID, name: 'node-1' };
const hash = consoleWindowHash(target);

describe('which window.open the main process turns into a console window', () => {
  const dev = resolveAppEntry('http://localhost:5173', '/unused/index.html');
  const file = resolveAppEntry(undefined, '/opt/Corral/renderer/main_window/index.html');

  it('accepts the app page with a console address, from the dev server and from disk', () => {
    expect(consoleWindowTargetOf(`http://localhost:5173/${hash}`, dev)).toEqual(target);
    const fileUrl = consoleWindowUrl(file, hash);
    expect(fileUrl).toBe(
      `${pathToFileURL('/opt/Corral/renderer/main_window/index.html').href}${hash}`,
    );
    expect(consoleWindowTargetOf(fileUrl, file)).toEqual(target);
  });

  it('refuses every other URL, including the app page without a console address', () => {
    const refused = [
      'http://localhost:5173/',
      'http://localhost:5173/#/hosts',
      `http://localhost:5173/?next=x${hash}`,
      `http://localhost:5173/other.html${hash}`,
      `http://localhost:5174/${hash}`,
      `https://example.com/${hash}`,
      `file:///etc/passwd${hash}`,
      `file://evil/opt/Corral/renderer/main_window/index.html${hash}`,
      `http://localhost:5173/#/console/local/${UUID}`,
      'javascript:alert(1)',
      'not a url',
    ];
    for (const url of refused) {
      expect(
        consoleWindowTargetOf(url, dev) ?? consoleWindowTargetOf(url, file),
        url,
      ).toBeUndefined();
    }
  });
});
