import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { CspStyleBridge } from '../../console/csp-style-bridge';

/** Lines of history an output pane keeps (the whole output is on disk and downloadable). */
const SCROLLBACK = 20_000;

/**
 * A read-only xterm for job output, living outside React: panes attach its element and detach it
 * when they unmount, while output keeps arriving into its buffer. Bytes are written as bytes
 * (xterm decodes UTF-8 itself, also across chunk boundaries).
 */
export class JobTerminal {
  readonly element: HTMLDivElement;
  private readonly terminal: Terminal;
  private readonly fitAddon = new FitAddon();
  private styles: CspStyleBridge | undefined;
  private opened = false;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'job-terminal';
    this.terminal = new Terminal({
      scrollback: SCROLLBACK,
      // Mirrors the rows into an accessible list, so screen readers (and tests) read the text.
      screenReaderMode: true,
      disableStdin: true,
      cursorBlink: false,
      convertEol: false,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      theme: { background: '#101418', foreground: '#e6e9ec', red: '#ff6b6b' },
    });
    this.terminal.loadAddon(this.fitAddon);
  }

  attach(container: HTMLElement): void {
    container.appendChild(this.element);
    if (!this.opened) {
      this.opened = true;
      this.styles = new CspStyleBridge([this.element, document.head]);
      this.terminal.open(this.element);
    }
    this.fit();
  }

  detach(): void {
    this.element.remove();
  }

  fit(): void {
    if (this.opened && this.element.isConnected && this.element.clientWidth > 0) {
      this.fitAddon.fit();
    }
  }

  write(bytes: Uint8Array): void {
    if (bytes.byteLength > 0) this.terminal.write(bytes);
  }

  dispose(): void {
    this.styles?.dispose();
    this.terminal.dispose();
    this.element.remove();
  }
}
