import type { Disposable } from './disposable';
import type { WireMessage } from './wire';

/**
 * The one small interface the three transports implement (MessagePort, WebSocket, in-memory).
 * Inbound messages are `unknown`: the receiving side validates them.
 */
export interface Transport {
  send(message: WireMessage): void;
  onMessage(listener: (message: unknown) => void): Disposable;
  onClose(listener: (reason: string) => void): Disposable;
  close(): void;
}
