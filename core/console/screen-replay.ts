import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import type { Disposable } from '../../api/disposable';

// Both packages ship CommonJS only; Node's ESM loader gives their exports as the default.
const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/** Lines of history a console keeps (10 000 lines of scrollback). */
export const CONSOLE_SCROLLBACK = 10_000;

/** Size of the Node-side screen. */
export interface ScreenSize {
  cols: number;
  rows: number;
}

/**
 * A serial line has no size negotiation: guests assume 80x24 unless told otherwise, so the
 * replay screen matches that. Wider panes re-wrap long lines, since the serializer keeps wrapped
 * rows joined.
 */
export const SERIAL_SCREEN: ScreenSize = { cols: 80, rows: 24 };

/**
 * A headless xterm that parses everything a console printed, so its screen and scrollback can
 * be replayed to a pane that attaches later (docs/architecture.md).
 */
export class ScreenReplay implements Disposable {
  private readonly terminal: InstanceType<typeof Terminal>;
  private readonly serializer: InstanceType<typeof SerializeAddon>;

  constructor(
    size: ScreenSize = SERIAL_SCREEN,
    private readonly scrollback: number = CONSOLE_SCROLLBACK,
  ) {
    this.terminal = new Terminal({
      cols: size.cols,
      rows: size.rows,
      scrollback,
      // The serialize addon reads the buffer through the proposed API.
      allowProposedApi: true,
    });
    this.serializer = new SerializeAddon();
    // The addon is typed against @xterm/xterm's Terminal; the headless one has the same surface.
    this.terminal.loadAddon(this.serializer as never);
  }

  /** Parses bytes; resolves once the screen reflects them, so a snapshot after it includes them. */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((done) => this.terminal.write(bytes, done));
  }

  /**
   * The screen and scrollback as escape sequences which, written to a fresh terminal, recreate
   * them (text, colours, cursor position). Empty when nothing was printed yet.
   */
  snapshot(): string {
    return this.serializer.serialize({ scrollback: this.scrollback });
  }

  /** Lines held now (screen + scrollback), for tests and diagnostics. */
  get lineCount(): number {
    return this.terminal.buffer.active.length;
  }

  /** The text of every line held, trailing blanks trimmed, for tests and diagnostics. */
  text(): string[] {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    }
    return lines;
  }

  dispose(): void {
    this.serializer.dispose();
    this.terminal.dispose();
  }
}
