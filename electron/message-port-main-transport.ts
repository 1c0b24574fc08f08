import type { MessagePortMain } from 'electron';
import type { Disposable } from '../api/disposable';
import { Emitter } from '../api/emitter';
import type { Transport } from '../api/transport';
import type { WireMessage } from '../api/wire';

/**
 * The main process's end of the desktop transport: Electron's MessagePortMain (a Node event
 * emitter, unlike the DOM MessagePort the page holds). Messages are structured-cloned, so stream
 * bytes stay Uint8Array. Inbound data is handed on as `unknown`; the dispatcher validates it.
 */
export class MessagePortMainTransport implements Transport {
  private readonly messages = new Emitter<unknown>();
  private readonly closes = new Emitter<string>();
  private closed = false;

  constructor(private readonly port: MessagePortMain) {
    port.on('message', (e) => {
      if (!this.closed) this.messages.fire(e.data);
    });
    // 'close' means the page's end went away: a reload, a crash, the window closing.
    port.on('close', () => this.finish('port closed'));
    // MessagePortMain queues messages until started.
    port.start();
  }

  send(message: WireMessage): void {
    if (!this.closed) this.port.postMessage(message);
  }

  onMessage(listener: (message: unknown) => void): Disposable {
    return this.messages.on(listener);
  }

  onClose(listener: (reason: string) => void): Disposable {
    return this.closes.on(listener);
  }

  close(): void {
    if (this.closed) return;
    this.port.close();
    this.finish('closed');
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closes.fire(reason);
    this.messages.clear();
    this.closes.clear();
  }
}
