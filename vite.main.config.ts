import { builtinModules, createRequire } from 'node:module';
import { defineConfig, mergeConfig, type ConfigEnv, type Plugin, type UserConfig } from 'vite';

const require = createRequire(import.meta.url);

/**
 * Electron's main process bundle, .vite/build/main.js. Under Electron Forge the Vite plugin
 * supplies outDir, externals and its defines and merges this config on top; `build:desktop`
 * (plain `vite build`, outside Forge) gets the same from {@link standaloneNodeBuild}.
 */
export default defineConfig((env) => {
  const config: UserConfig = {
    plugins: [optionalNativeAddons()],
    resolve: {
      // These ship CommonJS for Node (what tsx and Node load) and an ESM build for browsers
      // (what Vite's `module` field picks, with other exports). The bundle must match Node.
      alias: {
        '@xterm/headless': require.resolve('@xterm/headless'),
        '@xterm/addon-serialize': require.resolve('@xterm/addon-serialize'),
      },
    },
    build: {
      // An ES module named main.js, as package.json ("type": "module") expects; Forge's default
      // would be main.cjs. Electron >= 28 loads an ESM main process.
      lib: { entry: 'electron/main.ts', formats: ['es'], fileName: () => 'main.js' },
      sourcemap: true,
    },
  };
  if (isForge(env)) return config;
  return mergeConfig(mergeConfig(standaloneNodeBuild(), config), {
    define: {
      // As Forge defines them for a production build: no dev server, renderer 'main_window'.
      MAIN_WINDOW_VITE_DEV_SERVER_URL: 'undefined',
      MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window'),
    },
  });
});

/** Whether Forge's Vite plugin is loading this config (it adds `forgeConfig` to the env). */
export function isForge(env: ConfigEnv): boolean {
  return 'forgeConfig' in env;
}

/**
 * What Forge's plugin adds to a main or preload build, for builds outside Forge: output in
 * .vite/build next to what Forge would produce, Electron and Node built-ins left external,
 * everything else (core, zod, conf…) bundled, since the packaged app ships no node_modules.
 */
export function standaloneNodeBuild(): UserConfig {
  return {
    build: {
      outDir: '.vite/build',
      emptyOutDir: false,
      copyPublicDir: false,
      minify: false,
      rollupOptions: {
        external: [
          'electron',
          /^electron\//,
          ...builtinModules,
          ...builtinModules.map((m) => `node:${m}`),
        ],
      },
    },
    resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
    clearScreen: false,
  };
}

/**
 * ssh2 tries its optional native addons (sshcrypto.node, cpu-features) inside try/catch and falls
 * back to pure JavaScript. A bundle cannot carry .node files, so each such require becomes a
 * module that throws, taking the fallback deliberately (whether or not the addon was built).
 */
function optionalNativeAddons(): Plugin {
  const prefix = '\0corral-native-addon:';
  return {
    name: 'corral-optional-native-addons',
    enforce: 'pre',
    resolveId: (id) => (id.endsWith('.node') ? prefix + id : null),
    load: (id) =>
      id.startsWith(prefix)
        ? `throw new Error(${JSON.stringify(`native addon ${id.slice(prefix.length)} is not bundled`)});`
        : null,
  };
}
