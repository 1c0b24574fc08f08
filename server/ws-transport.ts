import type { WebSocket } from 'ws';
import type { Disposable } from '../api/disposable';
import { Emitter } from '../api/emitter';
import type { Transport } from '../api/transport';
import type { WireMessage } from '../api/wire';
import { decodeMessage, encodeMessage } from '../api/wire-codec';

/** The serving side of the WebSocket transport (the `ws` library's socket). */
export class WsTransport implements Transport {
  private readonly messages = new Emitter<unknown>();
  private readonly closes = new Emitter<string>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.messages.fire(decodeMessage(isBinary ? new Uint8Array(bytes) : bytes.toString('utf8')));
    });
    socket.on('close', (_code, reason) => this.closes.fire(reason.toString() || 'socket closed'));
    // A protocol error (a message over maxPayload, a bad frame) is emitted here and then ws
    // closes the socket itself (1009, 1002…); without a listener it would crash the server.
    socket.on('error', () => {});
  }

  send(message: WireMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(encodeMessage(message));
  }

  /** Hands the page its renewed session's cookie ticket (see SessionTicketMessage). */
  sendSessionTicket(ticket: string): void {
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(JSON.stringify({ t: 'session', ticket }));
    }
  }

  onMessage(listener: (message: unknown) => void): Disposable {
    return this.messages.on(listener);
  }

  onClose(listener: (reason: string) => void): Disposable {
    return this.closes.on(listener);
  }

  close(): void {
    this.socket.close(1000, 'server closed');
  }
}
