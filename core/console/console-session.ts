import type { Duplex } from 'node:stream';
import type { ByteStream } from '../../api/byte-stream';
import { type Disposable, DisposableStore } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import { PaneFeed } from './pane-feed';
import { ScreenReplay } from './screen-replay';

/**
 * ByteStream batches writes for ~16 ms; an error end drops what is still batched. Waiting
 * longer than one batch before ending lets the console's last words reach every pane.
 */
const FLUSH_GRACE_MS = 50;

/**
 * A full reset (RIS) before a screen sent to a pane that fell behind: the pane drops what it
 * showed, and the screen that follows recreates the console as it is now.
 */
const RESET = '\x1bc';

export interface ConsoleSessionOptions {
  /** Live bytes a pane may have waiting before it falls back to the screen (tests shrink it). */
  paneBufferCap?: number;
  /** The replay screen (tests use small ones). */
  replay?: ScreenReplay;
  /**
   * Says why the console's byte source ended (EOF, or `error`): the owner knows whether the
   * domain stopped or the host dropped.
   */
  explainEnd?: (error: Error | undefined) => Promise<CorralError>;
  /**
   * Asked first when the source ends: a new source for the same console (its VM moved to
   * another host), or undefined to end. The panes stay attached and only see `notice`.
   */
  follow?: (error: Error | undefined) => Promise<{ source: Duplex; notice: string } | undefined>;
}

interface Pane {
  stream: ByteStream;
  feed: PaneFeed;
  subscriptions: DisposableStore;
}

const encoder = new TextEncoder();

/**
 * One VM's serial console, shared by every attached pane (Tabby's sessions: an object with an
 * output stream and a clear close). The source is read as fast as it comes: its bytes go to the
 * replay screen and to each pane's {@link PaneFeed}. A pane without credit never holds the
 * source: past its buffer cap it stops getting live bytes and, once it reads again, gets the
 * current screen instead, so neither the other panes nor the host's other libvirt calls wait
 * for it. Bytes from any pane go to the source.
 */
export class ConsoleSession implements Disposable {
  private readonly panes = new Set<Pane>();
  private readonly replay: ScreenReplay;
  /** Source bytes and attaches run one at a time, so a snapshot and the bytes after it line up. */
  private queue: Promise<void> = Promise.resolve();
  private closedWith: CorralError | undefined;
  private lostBytes = 0;
  private readonly closes = new Emitter<CorralError>();

  constructor(
    private source: Duplex,
    private readonly options: ConsoleSessionOptions = {},
  ) {
    this.replay = options.replay ?? new ScreenReplay();
    this.watch(source);
    void this.pump();
  }

  private watch(source: Duplex): void {
    // An 'error' is also what ends the iteration below; this keeps it from being unhandled.
    source.on('error', () => {});
    // The source itself dropped output (the replay screen could not keep up): say so on screen.
    source.on('overflow', (bytes: number) => (this.lostBytes += bytes));
  }

  /** Why the session closed, once it has. */
  get closed(): CorralError | undefined {
    return this.closedWith;
  }

  /** Panes attached now. */
  get paneCount(): number {
    return this.panes.size;
  }

  /** The replay screen's text, for tests and diagnostics. */
  screenText(): string[] {
    return this.replay.text();
  }

  /** Fires once, with the reason every pane was given. */
  onClosed(listener: (reason: CorralError) => void): Disposable {
    return this.closes.on(listener);
  }

  /**
   * Attaches a pane: it receives the replay first, then every byte the console prints; what it
   * sends is typed into the console. Resolves once attached (the replay may still be in flight,
   * waiting for the pane's credit).
   */
  attach(stream: ByteStream): Promise<void> {
    return this.serialized(() => {
      if (this.closedWith) throw this.closedWith;
      const pane: Pane = {
        stream,
        subscriptions: new DisposableStore(),
        feed: new PaneFeed({
          write: (bytes) => stream.write(bytes),
          onCaughtUp: () => void this.serialized(() => this.resync(pane, RESET)),
          onError: (err) => this.detach(pane, err instanceof CorralError ? err : undefined),
          cap: this.options.paneBufferCap,
        }),
      };
      this.panes.add(pane);
      stream.onData((bytes) => this.type(bytes));
      pane.subscriptions.add(stream.onEnd((error) => this.detach(pane, error)));
      // Not awaited: credit arrives only after the open is accepted; the feed keeps order.
      this.resync(pane, '');
    });
  }

  /** Ends every pane with `reason` and releases the console. Idempotent. */
  close(reason: CorralError): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    const panes = [...this.panes];
    this.panes.clear();
    this.source.destroy();
    // After the bytes already queued to the panes are on their way (see FLUSH_GRACE_MS).
    setTimeout(() => {
      for (const pane of panes) this.endPane(pane, reason);
      this.replay.dispose();
    }, FLUSH_GRACE_MS);
    this.closes.fire(reason);
    this.closes.clear();
  }

  dispose(): void {
    this.close(new CorralError('unavailable', 'console closed: Corral is shutting down'));
  }

  private async pump(): Promise<void> {
    let failure: Error | undefined;
    for (;;) {
      failure = undefined;
      try {
        for await (const chunk of this.source) {
          if (this.closedWith) return;
          await this.serialized(() => this.deliver(new Uint8Array(chunk as Buffer)));
        }
      } catch (err) {
        failure = err as Error;
      }
      if (this.closedWith) return;
      // Let pending deliveries finish first, so the panes see the console's last output.
      await this.serialized(() => {});
      const next = this.options.follow
        ? await this.options.follow(failure).catch(() => undefined)
        : undefined;
      if (!next) break;
      if (this.closedWith) {
        next.source.on('error', () => {});
        next.source.destroy();
        return;
      }
      // The same console elsewhere: the panes stay, told in one line.
      this.source = next.source;
      this.watch(next.source);
      await this.serialized(() => this.deliver(encoder.encode(next.notice)));
    }
    const reason = this.options.explainEnd
      ? await this.options.explainEnd(failure).catch(() => undefined)
      : undefined;
    this.close(
      reason ??
        new CorralError('unavailable', `console closed: ${failure?.message ?? 'end of output'}`),
    );
  }

  /**
   * The panes get the bytes before the replay screen parses them: the screen's parser must not
   * sit on the keystroke-to-echo path. Deliveries stay serialized, so a screen taken between two
   * of them ends exactly where the live bytes after it begin.
   */
  private async deliver(bytes: Uint8Array): Promise<void> {
    if (this.lostBytes > 0) {
      const notice = encoder.encode(`\r\n[${this.lostBytes} bytes of console output lost]\r\n`);
      this.lostBytes = 0;
      await this.deliver(notice);
    }
    for (const pane of this.panes) pane.feed.push(bytes);
    await this.replay.write(bytes);
  }

  /** Sends a pane the whole screen as it is now (`prefix` first); live bytes follow it. */
  private resync(pane: Pane, prefix: string): void {
    if (!this.panes.has(pane)) return;
    const screen = this.replay.snapshot();
    if (screen || prefix) pane.feed.resync(encoder.encode(prefix + screen));
  }

  /** Bytes a pane typed go to the console; resolving returns the pane's credit. */
  private type(bytes: Uint8Array): Promise<void> {
    if (this.closedWith || this.source.destroyed) return Promise.resolve();
    return new Promise((done) => this.source.write(Buffer.from(bytes), () => done()));
  }

  private detach(pane: Pane, error: CorralError | undefined): void {
    if (!this.panes.delete(pane)) return;
    this.endPane(pane, error);
  }

  private endPane(pane: Pane, error: CorralError | undefined): void {
    pane.feed.dispose();
    pane.subscriptions.dispose();
    pane.stream.end(error?.toData());
  }

  private serialized<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }
}
