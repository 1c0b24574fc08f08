import type { Disposable } from './disposable';
import { Emitter } from './emitter';
import type { Transport } from './transport';
import { SessionTicketMessage, type WireMessage } from './wire';
import { decodeMessage, encodeMessage } from './wire-codec';

export interface WebSocketOptions {
  /**
   * Called when sign-in on this socket renewed the session: exchange the ticket for the new
   * cookie (POST /api/session), or a reload would find the old, dead one.
   */
  onSessionTicket?: (ticket: string) => void;
}

/**
 * The renderer's transport in server mode: a standard (browser or Node 22) WebSocket.
 * Resolves once the socket is open; the server has already checked the session and Origin.
 */
export function connectWebSocket(url: string, options: WebSocketOptions = {}): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const onError = () => reject(new Error(`cannot connect to ${url}`));
    socket.addEventListener('error', onError, { once: true });
    socket.addEventListener(
      'open',
      () => {
        socket.removeEventListener('error', onError);
        resolve(new WebSocketTransport(socket, options));
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

  constructor(
    private readonly socket: WebSocket,
    options: WebSocketOptions,
  ) {
    socket.addEventListener('message', (e: MessageEvent<string | ArrayBuffer>) => {
      const message = decodeMessage(e.data);
      const ticket = SessionTicketMessage.safeParse(message);
      if (ticket.success) options.onSessionTicket?.(ticket.data.ticket);
      else this.messages.fire(message);
    });
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
