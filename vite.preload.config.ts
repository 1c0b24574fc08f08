import { defineConfig, mergeConfig } from 'vite';
import { isForge, standaloneNodeBuild } from './vite.main.config';

/**
 * The preload bundle, .vite/build/preload.cjs. Sandboxed preloads must be one CommonJS file that
 * requires nothing but 'electron'; Forge's plugin already builds it that way, so this config only
 * repeats those settings for `build:desktop` outside Forge.
 */
export default defineConfig((env) => {
  if (isForge(env)) return {};
  return mergeConfig(standaloneNodeBuild(), {
    build: {
      rollupOptions: {
        input: 'electron/preload.ts',
        output: {
          format: 'cjs',
          codeSplitting: false,
          entryFileNames: '[name].cjs',
          chunkFileNames: '[name].cjs',
          assetFileNames: '[name].[ext]',
        },
      },
    },
  });
});
