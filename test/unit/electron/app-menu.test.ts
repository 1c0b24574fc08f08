import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../../electron/app-menu';

const roles = (items: MenuItemConstructorOptions[]): string[] =>
  items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);

describe('application menu', () => {
  it('has the usual roles on Linux and Windows', () => {
    const linux = roles(buildMenuTemplate('linux'));
    expect(linux).toEqual(
      expect.arrayContaining(['fileMenu', 'editMenu', 'windowMenu', 'reload', 'togglefullscreen']),
    );
    expect(linux).toEqual(expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom', 'about']));
    expect(linux).not.toContain('appMenu');
  });

  it('starts with the app menu on macOS', () => {
    const mac = buildMenuTemplate('darwin');
    expect(mac[0]?.role).toBe('appMenu');
    expect(roles(mac)).not.toContain('help');
  });
});
