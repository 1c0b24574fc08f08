/**
 * The one IPC channel between main and preload: main posts the API port on it, the preload
 * forwards that port to the page. Nothing else ever travels over Electron IPC.
 */
export const DESKTOP_PORT_CHANNEL = 'corral:desktop-port';
