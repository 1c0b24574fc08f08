import { app } from 'electron';
import { join } from 'node:path';

/**
 * Where the application icon is at run time: packaged, Forge copies it into the resources folder
 * (`extraResource`); from a checkout (`npm start`), it is the source file in resources/icons.
 */
export function appIconPath(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'corral.png')
    : join(app.getAppPath(), 'resources', 'icons', 'corral.png');
}
