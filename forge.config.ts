import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * `npm start` runs the app from Vite (dev server for the renderer), `npm run package` / `make`
 * build and package it. Makers: deb and zip. No rpm: @electron-forge/maker-rpm has only 8.0.0
 * alphas for Forge 8, so it stays out until a release exists.
 */
const config: ForgeConfig = {
  packagerConfig: {
    // The app ships inside an asar archive whose integrity the fuses below enforce.
    asar: true,
    executableName: 'corral',
    // Forge adds the platform's extension (.png here; .ico / .icns where those makers run).
    icon: 'resources/icons/corral',
    // The window icon is read at run time from the app's resources folder.
    extraResource: ['resources/icons/corral.png'],
  },
  rebuildConfig: {},
  makers: [
    new MakerZIP({}, ['darwin', 'linux', 'win32']),
    new MakerDeb({
      options: {
        name: 'corral',
        productName: 'Corral',
        bin: 'corral',
        categories: ['System', 'Utility'],
        section: 'admin',
        icon: 'resources/icons/corral.png',
        genericName: 'Virtual cluster manager',
        description: 'Run virtual clusters on your own Linux machines',
      },
    }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.forge.config.ts' }],
    }),
    // Flipped at package time, before code signing: Electron's own hardening switches.
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;
