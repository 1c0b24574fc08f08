import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import forgeConfig from '../../../forge.config';
import { buildWindowOptions } from '../../../electron/window-options';

/** The PNG's width and height from its IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('application icon', () => {
  it('ships the SVG source and the PNG sizes Linux desktops use, each of its stated size', () => {
    expect(existsSync('resources/icons/corral.svg')).toBe(true);
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(`resources/icons/corral-${size}.png`)).toEqual({ width: size, height: size });
    }
  });

  it('is the icon of the packaged app, of the deb and of the window', () => {
    const packager = forgeConfig.packagerConfig ?? {};
    expect(existsSync(`${String(packager.icon)}.png`)).toBe(true);
    expect(packager.extraResource).toContain('resources/icons/corral.png');
    // A maker keeps the options it was built with until Forge prepares it.
    const deb = forgeConfig.makers?.find((m) => (m as { name?: string }).name === 'deb') as
      { configOrConfigFetcher?: { options?: { icon?: string } } } | undefined;
    expect(existsSync(String(deb?.configOrConfigFetcher?.options?.icon))).toBe(true);
    expect(buildWindowOptions({ preloadPath: '/p', iconPath: '/i.png' }).icon).toBe('/i.png');
  });

  it('is the favicon of the web page', () => {
    expect(readFileSync('renderer/index.html', 'utf8')).toContain(
      'href="../resources/icons/corral.svg"',
    );
  });
});
