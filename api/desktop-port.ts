/**
 * The desktop shell's handshake: the preload posts this message to the page with exactly one
 * MessagePort, the only thing it ever hands over (no ipcRenderer, no generic invoke).
 */
export const DESKTOP_PORT_MESSAGE = 'corral:port';
