import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu: the usual roles, so copy/paste, zoom, full screen, reload and the window
 * menu work as users expect on each platform. Pure (type-only electron import) for the unit test.
 */
export function buildMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const appMenu: MenuItemConstructorOptions[] = mac ? [{ role: 'appMenu' }] : [];
  // macOS puts About in the app menu; elsewhere it lives under Help.
  const helpMenu: MenuItemConstructorOptions[] = mac
    ? []
    : [{ role: 'help', submenu: [{ role: 'about' }] }];
  return [
    ...appMenu,
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    ...helpMenu,
  ];
}
