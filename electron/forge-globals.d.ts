// Constants Electron Forge's Vite plugin defines in the main bundle (and `build:desktop` defines
// the same way): where the renderer is served from under `npm start`, and its build name.
// Declared here rather than via '@electron-forge/plugin-vite/forge-vite-env', which also
// augments vite's ConfigEnv with Forge-only fields every config would then appear to get.

/** The renderer's dev server URL under `electron-forge start`; undefined in built apps. */
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
/** The renderer entry's name ('main_window'): its build lands in `.vite/renderer/<name>/`. */
declare const MAIN_WINDOW_VITE_NAME: string;
