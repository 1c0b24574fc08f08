// The whole preload: receive the API port from the main process and hand it to the page.
// Nothing is exposed on window (no contextBridge API, no ipcRenderer, no generic invoke).
// This is the one file allowed to name ipcRenderer (eslint.config.js).
import { ipcRenderer } from 'electron';
import { DESKTOP_PORT_MESSAGE } from '../api/desktop-port';
import { DESKTOP_PORT_CHANNEL } from './desktop-port-channel';

ipcRenderer.on(DESKTOP_PORT_CHANNEL, (event) => {
  // Only the main process may hand over a port. Electron >= 28 has no renderer-to-renderer IPC
  // (ipcRenderer.sendTo is gone), so senderId is 0 or absent; anything else is refused.
  const senderId = (event as { senderId?: unknown }).senderId;
  if (senderId !== undefined && senderId !== 0) return;
  const [port] = event.ports;
  if (event.ports.length !== 1 || !port) return;
  // file:// pages have the opaque origin "null", which postMessage cannot target; the page
  // checks e.source === window, so '*' still reaches only this window.
  const origin = window.location.origin;
  window.postMessage(DESKTOP_PORT_MESSAGE, origin && origin !== 'null' ? origin : '*', [port]);
});
