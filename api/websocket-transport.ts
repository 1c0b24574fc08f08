import type { Disposable } from './disposable';
import { Emitter } from './emitter';
import type { Transport } from './transport';
import type { WireMessage } from './wire';
import { decodeMessage, encodeMessage } from './wire-codec';

/**
 * The renderer's transport in server mode: a standard (browser or Node 22) WebSocket.
 * Resolves once the socket is open; the server has already checked the session and Origin.
 */
export function connectWebSocket(url: string): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const onError = () => reject(new Error(`cannot connect to ${url}`));
    socket.addEventListener('error', onError, { once: true });
    socket.addEventListener(
      'open',
      () => {
        socket.removeEventListener('error', onError);
        resolve(new WebSocketTransport(socket));
      },
      { once: true },
    );
    socket.addEventListener('close', (e) => reject(new Error(`refused (${e.code})`)), {
      once: true,
    });
  });
}

class WebSocketTransport implements Transport {
  private readonly messages = new Emitter<unknown>();
  private readonly closes = new Emitter<string>();

  constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e: MessageEvent<string | ArrayBuffer>) =>
      this.messages.fire(decodeMessage(e.data)),
    );
    socket.addEventListener('close', (e) =>
      this.closes.fire(e.reason || `socket closed (${e.code})`),
    );
  }

  send(message: WireMessage): void {
    this.socket.send(encodeMessage(message));
  }

  onMessage(listener: (message: unknown) => void): Disposable {
    return this.messages.on(listener);
  }

  onClose(listener: (reason: string) => void): Disposable {
    return this.closes.on(listener);
  }

  close(): void {
    this.socket.close(1000, 'client closed');
  }
}
