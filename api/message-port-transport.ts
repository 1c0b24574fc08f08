import type { Disposable } from './disposable';
import { Emitter } from './emitter';
import type { Transport } from './transport';
import type { WireMessage } from './wire';

/**
 * The renderer's transport in the desktop app: the one MessagePort the preload hands over.
 * Messages are structured-cloned, so stream bytes stay Uint8Array without encoding.
 */
export class MessagePortTransport implements Transport {
  private readonly messages = new Emitter<unknown>();
  private readonly closes = new Emitter<string>();

  constructor(private readonly port: MessagePort) {
    port.onmessage = (e: MessageEvent) => this.messages.fire(e.data);
    // MessagePort 'close' is recent in browsers and present in Electron's Chromium.
    port.addEventListener('close', () => this.closes.fire('port closed'));
    port.start();
  }

  send(message: WireMessage): void {
    this.port.postMessage(message);
  }

  onMessage(listener: (message: unknown) => void): Disposable {
    return this.messages.on(listener);
  }

  onClose(listener: (reason: string) => void): Disposable {
    return this.closes.on(listener);
  }

  close(): void {
    this.port.close();
    this.closes.fire('closed');
  }
}
