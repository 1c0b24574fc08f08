import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import type { ByteStream } from '../../api/byte-stream';
import type { CorralClient } from '../boot/corral-client';
import type { ConsoleTarget } from './console-ref';
import { CspStyleBridge } from './csp-style-bridge';
import { consoleLinkHandler, openLink } from './link-policy';

/** Lines of history a pane keeps, like the Node side's replay. */
export const PANE_SCROLLBACK = 10_000;

/** Where a console's connection stands; shown as text next to the terminal. */
export type ConsoleStatus =
  { state: 'connecting' } | { state: 'open' } | { state: 'closed'; message: string };

const encoder = new TextEncoder();

/**
 * A VM console's xterm and its stream, living outside React (docs/architecture.md): components attach its
 * element to show it and detach it when they unmount; the terminal, its scrollback and its
 * stream carry on meanwhile.
 */
export class ConsoleTerminal {
  /** The element xterm renders into; moved between containers as tabs come and go. */
  readonly element: HTMLDivElement;
  private readonly terminal: Terminal;
  private readonly fitAddon = new FitAddon();
  private styles: CspStyleBridge | undefined;
  private stream: ByteStream | undefined;
  private generation = 0;
  private opened = false;
  private disposed = false;

  constructor(
    public target: ConsoleTarget,
    private readonly onStatus: (status: ConsoleStatus) => void,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'console-terminal';
    this.terminal = new Terminal({
      scrollback: PANE_SCROLLBACK,
      // Mirrors the rows into an accessible list, so screen readers (and tests) read the text.
      screenReaderMode: true,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      theme: { background: '#101418', foreground: '#e6e9ec' },
      // OSC 8 hyperlinks; plain URLs come through the web-links addon below. One policy for both.
      linkHandler: consoleLinkHandler(),
    });
    this.terminal.loadAddon(this.fitAddon);
    this.terminal.loadAddon(new WebLinksAddon((_event, uri) => openLink(uri)));
    this.terminal.onData((data) => this.send(encoder.encode(data)));
    this.terminal.onBinary((data) => this.send(Uint8Array.from(data, (c) => c.charCodeAt(0))));
  }

  /** Shows the terminal in `container` (xterm measures fonts, so it opens on first attach). */
  attach(container: HTMLElement): void {
    container.appendChild(this.element);
    if (!this.opened) {
      this.opened = true;
      this.styles = new CspStyleBridge([this.element, document.head]);
      this.terminal.open(this.element);
    }
    this.fit();
  }

  /** Takes the terminal off screen; output keeps arriving into its buffer. */
  detach(): void {
    this.element.remove();
  }

  /** Resizes the grid to the element (a serial line has no size to tell the guest). */
  fit(): void {
    if (this.opened && this.element.isConnected && this.element.clientWidth > 0) {
      this.fitAddon.fit();
    }
  }

  focus(): void {
    this.terminal.focus();
  }

  /** The selected text (xterm's own selection). */
  selection(): string {
    return this.terminal.getSelection();
  }

  /** Types text as a paste (bracketed when the guest asked for it). */
  paste(text: string): void {
    this.terminal.paste(text);
  }

  /**
   * Opens (or reopens) the console stream. The Node side replays the screen first, so the
   * terminal is reset: the replay recreates it, however long we were away.
   */
  async connect(client: CorralClient): Promise<void> {
    if (this.disposed) return;
    const generation = ++this.generation;
    this.stream?.end();
    this.stream = undefined;
    this.onStatus({ state: 'connecting' });
    let stream: ByteStream;
    try {
      stream = await client.console.open({ hostId: this.target.hostId, uuid: this.target.uuid });
    } catch (err) {
      if (generation === this.generation) this.closed((err as Error).message);
      return;
    }
    if (generation !== this.generation || this.disposed) {
      stream.end();
      return;
    }
    this.stream = stream;
    this.terminal.reset();
    // Credit goes back once xterm has parsed the bytes: a busy tab slows the console down
    // instead of buffering without bound.
    stream.onData((bytes) => new Promise<void>((done) => this.terminal.write(bytes, done)));
    stream.onEnd((error) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.closed(error?.message ?? 'console closed');
    });
    this.onStatus({ state: 'open' });
  }

  /** Closes the stream and frees the terminal. */
  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.stream?.end();
    this.stream = undefined;
    this.styles?.dispose();
    this.terminal.dispose();
    this.element.remove();
  }

  private closed(message: string): void {
    this.onStatus({ state: 'closed', message });
    if (!this.disposed) this.terminal.write(`\r\n\x1b[2m[${message}]\x1b[0m\r\n`);
  }

  private send(bytes: Uint8Array): void {
    // A pane without a stream (closed console) drops keystrokes; the status says why.
    this.stream?.write(bytes).catch(() => {});
  }
}
