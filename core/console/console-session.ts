import type { Duplex } from 'node:stream';
import type { ByteStream } from '../../api/byte-stream';
import { type Disposable, DisposableStore } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import { ScreenReplay } from './screen-replay';

/** How long a pane may hold up the console before it is detached (issue 5: flow control). */
export const STUCK_PANE_MS = 10_000;

/**
 * ByteStream batches writes for ~16 ms; an error end drops what is still batched. Waiting
 * longer than one batch before ending lets the console's last words reach every pane.
 */
const FLUSH_GRACE_MS = 50;

export interface ConsoleSessionOptions {
  /** A pane that has not taken bytes for this long is detached with an error. */
  stuckPaneMs?: number;
  /** The replay screen (tests use small ones). */
  replay?: ScreenReplay;
  /**
   * Says why the console's byte source ended (EOF, or `error`): the owner knows whether the
   * domain stopped or the host dropped.
   */
  explainEnd?: (error: Error | undefined) => Promise<CorralError>;
}

interface Pane {
  stream: ByteStream;
  subscriptions: DisposableStore;
  /** Resolves when the pane is detached, so nothing keeps waiting for its credit. */
  gone: Promise<'gone'>;
  markGone: () => void;
}

const encoder = new TextEncoder();

/**
 * One VM's serial console, shared by every attached pane (Tabby's sessions: an object with an
 * output stream and a clear close). Bytes from the source go to the replay screen, then to every
 * pane; a pane without credit holds the source (back-pressure reaches libvirt) until it catches
 * up or is detached as stuck, so one slow browser cannot stall the others for long. Bytes from
 * any pane go to the source.
 */
export class ConsoleSession implements Disposable {
  private readonly panes = new Set<Pane>();
  private readonly replay: ScreenReplay;
  private readonly stuckPaneMs: number;
  /** Source bytes and attaches run one at a time, so a snapshot and the bytes after it line up. */
  private queue: Promise<void> = Promise.resolve();
  private closedWith: CorralError | undefined;
  private readonly closes = new Emitter<CorralError>();

  constructor(
    private readonly source: Duplex,
    private readonly options: ConsoleSessionOptions = {},
  ) {
    this.replay = options.replay ?? new ScreenReplay();
    this.stuckPaneMs = options.stuckPaneMs ?? STUCK_PANE_MS;
    // An 'error' is also what ends the iteration below; this keeps it from being unhandled.
    source.on('error', () => {});
    void this.pump();
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
      let markGone!: () => void;
      const gone = new Promise<'gone'>((resolve) => (markGone = () => resolve('gone')));
      const pane: Pane = { stream, subscriptions: new DisposableStore(), gone, markGone };
      this.panes.add(pane);
      stream.onData((bytes) => this.type(bytes));
      pane.subscriptions.add(stream.onEnd((error) => this.detach(pane, error)));
      const snapshot = this.replay.snapshot();
      // Not awaited: credit arrives only after the open is accepted; ByteStream keeps order.
      if (snapshot) void this.send(pane, encoder.encode(snapshot));
    });
  }

  /** Ends every pane with `reason` and releases the console. Idempotent. */
  close(reason: CorralError): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    const panes = [...this.panes];
    this.panes.clear();
    for (const pane of panes) pane.markGone();
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
    const reason = this.options.explainEnd
      ? await this.options.explainEnd(failure).catch(() => undefined)
      : undefined;
    this.close(
      reason ??
        new CorralError('unavailable', `console closed: ${failure?.message ?? 'end of output'}`),
    );
  }

  /**
   * The replay screen and the panes take the bytes side by side: the screen's parser must not
   * sit on the keystroke-to-echo path. Deliveries stay serialized, so a pane attaching between
   * two of them gets a replay that ends exactly where its live bytes begin.
   */
  private async deliver(bytes: Uint8Array): Promise<void> {
    await Promise.all([
      this.replay.write(bytes),
      ...[...this.panes].map((pane) => this.send(pane, bytes)),
    ]);
  }

  /** Writes to one pane, detaching it if it stays without credit for too long. */
  private async send(pane: Pane, bytes: Uint8Array): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<'stuck'>((resolve) => {
      timer = setTimeout(() => resolve('stuck'), this.stuckPaneMs);
    });
    try {
      const outcome = await Promise.race([pane.stream.write(bytes), stuck, pane.gone]);
      if (outcome === 'stuck') {
        this.detach(
          pane,
          new CorralError(
            'timeout',
            `console pane detached: it took no output for ${this.stuckPaneMs} ms`,
          ),
        );
      }
    } catch (err) {
      // The pane's stream failed (its connection went away): forget it.
      this.detach(pane, err instanceof CorralError ? err : undefined);
    } finally {
      clearTimeout(timer);
    }
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
    pane.markGone();
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
