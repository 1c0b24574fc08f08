import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import rendererConfig from './vite.renderer.config';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The desktop renderer: vite.renderer.config.ts (root renderer/, CSP meta tag), built where the
 * main process looks for it and Forge packages it: .vite/renderer/main_window. The base config's
 * dist/renderer is what server/ serves. Paths are absolute: Forge runs Vite from the project.
 */
export default defineConfig(
  mergeConfig(rendererConfig, {
    root: `${here}renderer`,
    build: { outDir: `${here}.vite/renderer/main_window` },
  }),
);
