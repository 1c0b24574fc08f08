import { DESKTOP_PORT_MESSAGE } from '../../api/desktop-port';
import { MessagePortTransport } from '../../api/message-port-transport';
import type { Transport } from '../../api/transport';

export function isDesktopShell(): boolean {
  return /\bElectron\//.test(navigator.userAgent);
}

/**
 * The single port the preload hands over; messages from other frames are ignored. Listening
 * starts when this module is evaluated, before React mounts, so a port posted right after the
 * page loaded cannot be missed.
 */
const desktopPort: Promise<Transport> | undefined = isDesktopShell()
  ? new Promise((resolve) => {
      const onMessage = (e: MessageEvent) => {
        if (e.source !== window || e.data !== DESKTOP_PORT_MESSAGE || !e.ports[0]) return;
        window.removeEventListener('message', onMessage);
        resolve(new MessagePortTransport(e.ports[0]));
      };
      window.addEventListener('message', onMessage);
    })
  : undefined;

export function receiveDesktopPort(): Promise<Transport> {
  if (!desktopPort) return Promise.reject(new Error('not running in the desktop shell'));
  return desktopPort;
}
