import type { Disposable } from './disposable';
import { Emitter } from './emitter';
import type { Transport } from './transport';
import type { WireMessage } from './wire';

/**
 * Two connected transports in one process, for tests. Messages are structured-cloned and
 * delivered on a later microtask, like a real port: no shared references, no re-entrancy.
 */
export function createInMemoryPair(): [Transport, Transport] {
  const a = new InMemoryEnd();
  const b = new InMemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class InMemoryEnd implements Transport {
  peer: InMemoryEnd | undefined;
  private readonly messages = new Emitter<unknown>();
  private readonly closes = new Emitter<string>();
  private closed = false;

  send(message: WireMessage): void {
    if (this.closed) throw new Error('transport is closed');
    const copy = structuredClone(message);
    const peer = this.peer;
    queueMicrotask(() => peer?.deliver(copy));
  }

  onMessage(listener: (message: unknown) => void): Disposable {
    return this.messages.on(listener);
  }

  onClose(listener: (reason: string) => void): Disposable {
    return this.closes.on(listener);
  }

  close(): void {
    this.shutdown('closed');
    queueMicrotask(() => this.peer?.shutdown('peer closed'));
  }

  private deliver(message: unknown): void {
    if (!this.closed) this.messages.fire(message);
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closes.fire(reason);
  }
}
