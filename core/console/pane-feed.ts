import type { Disposable } from '../../api/disposable';

/**
 * Live bytes a pane may have waiting for its credit. A pane past this is behind: rather than
 * hold the console (and with it the host's libvirt connection) it later gets the screen.
 */
export const PANE_BUFFER_CAP = 1024 * 1024;

export interface PaneFeedOptions {
  /** Writes to the pane; resolves once the pane has room for more (ByteStream.write). */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * The pane fell behind and has room again: its owner answers with {@link PaneFeed.resync},
   * at a point where the screen and the live bytes after it line up.
   */
  onCaughtUp(): void;
  /** The pane's stream failed (its connection went away). */
  onError(error: unknown): void;
  /** See {@link PANE_BUFFER_CAP}. */
  cap?: number;
}

interface Item {
  bytes: Uint8Array;
  /** Live bytes count against the cap; a screen does not (it replaces what was missed). */
  live: boolean;
}

/**
 * What one console pane still has to receive, in order. Live bytes queue while the pane has no
 * credit, up to a cap; past it the queue is dropped and the pane takes no live bytes until its
 * stream has room again, when it gets the whole current screen instead of what it missed. So a
 * pane that stops reading costs bounded memory and holds up nobody.
 */
export class PaneFeed implements Disposable {
  private readonly queue: Item[] = [];
  private queuedLive = 0;
  private writing = false;
  private isBehind = false;
  private askedForScreen = false;
  private disposed = false;
  private droppedBytes = 0;
  private readonly cap: number;

  constructor(private readonly options: PaneFeedOptions) {
    this.cap = options.cap ?? PANE_BUFFER_CAP;
  }

  /** True from the overflow until the pane got the screen. */
  get behind(): boolean {
    return this.isBehind;
  }

  /** Live bytes waiting now (bounded by the cap). */
  get queuedBytes(): number {
    return this.queuedLive;
  }

  /** Live bytes this pane never got because it was behind (the screen stood in for them). */
  get dropped(): number {
    return this.droppedBytes;
  }

  /** Queues live console output. */
  push(bytes: Uint8Array): void {
    if (this.disposed) return;
    if (this.isBehind) {
      this.droppedBytes += bytes.byteLength;
      return;
    }
    // An empty queue always takes a chunk, so one large chunk is never an overflow by itself.
    if (this.queuedLive > 0 && this.queuedLive + bytes.byteLength > this.cap) {
      this.fallBehind(bytes.byteLength);
      return;
    }
    this.queue.push({ bytes, live: true });
    this.queuedLive += bytes.byteLength;
    void this.run();
  }

  /**
   * Queues a whole screen (a replay): on attach, and after the pane caught up. Live bytes
   * pushed after it follow it.
   */
  resync(screen: Uint8Array): void {
    if (this.disposed) return;
    this.isBehind = false;
    this.askedForScreen = false;
    if (screen.byteLength > 0) this.queue.push({ bytes: screen, live: false });
    void this.run();
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    this.queuedLive = 0;
  }

  private fallBehind(incoming: number): void {
    this.isBehind = true;
    this.droppedBytes += incoming;
    for (const item of this.queue.splice(0)) if (item.live) this.droppedBytes += item.bytes.length;
    this.queuedLive = 0;
    // Nothing in flight means the pane already has room.
    if (!this.writing) this.askForScreen();
  }

  private askForScreen(): void {
    if (this.askedForScreen || this.disposed) return;
    this.askedForScreen = true;
    this.options.onCaughtUp();
  }

  private async run(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0 && !this.disposed) {
        const item = this.queue.shift()!;
        if (item.live) this.queuedLive -= item.bytes.byteLength;
        await this.options.write(item.bytes);
      }
    } catch (err) {
      this.writing = false;
      if (!this.disposed) this.options.onError(err);
      return;
    }
    this.writing = false;
    // The write that was waiting for credit went out: the pane reads again.
    if (this.isBehind) this.askForScreen();
  }
}
