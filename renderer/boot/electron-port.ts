import { MessagePortTransport } from '../../api/message-port-transport';
import type { Transport } from '../../api/transport';
import { DESKTOP_PORT_MESSAGE } from '../../api/desktop-port';

export function isDesktopShell(): boolean {
  return /\bElectron\//.test(navigator.userAgent);
}

/** Waits for the single port the preload hands over; messages from other frames are ignored. */
export function receiveDesktopPort(): Promise<Transport> {
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== window || e.data !== DESKTOP_PORT_MESSAGE || !e.ports[0]) return;
      window.removeEventListener('message', onMessage);
      resolve(new MessagePortTransport(e.ports[0]));
    };
    window.addEventListener('message', onMessage);
  });
}
