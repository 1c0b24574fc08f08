import { CorralError, type ErrorData } from './errors';
import { Emitter } from './emitter';
import type { Disposable } from './disposable';
import type { StreamMessage } from './wire';

/** Bytes a receiver grants up front; the sender never has more than this in flight. */
export const DEFAULT_WINDOW = 256 * 1024;
/** Small writes are coalesced for up to one frame time (~16 ms) before they go out. */
const BATCH_MS = 16;
/** Frames per batching window that go out without waiting (keystrokes, echoes). */
const IMMEDIATE_FRAMES = 4;
/** Flush at once when this much is waiting, and never send a frame larger than this. */
const MAX_FRAME = 64 * 1024;

interface PendingWrite {
  bytes: Uint8Array;
  /** Settles the writer's promise; cleared once called. */
  done: (() => void) | undefined;
  fail: (err: CorralError) => void;
}

/**
 * One end of a bidirectional byte stream with credit-based flow control. The sender may have at
 * most `credit` bytes unacknowledged; the receiver returns credit only after its consumer has
 * handled the bytes, so a slow consumer throttles a fast producer end to end.
 */
export class ByteStream {
  private sendCredit: number;
  private readonly outbox: PendingWrite[] = [];
  private outboxBytes = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The current batching window (performance.now()) and the frames sent in it. */
  private windowStart = -Infinity;
  private framesInWindow = 0;
  private flushQueued = false;
  private writableEnded = false;
  private endAfterFlush: ErrorData | null | undefined;

  private readonly inbox: Uint8Array[] = [];
  private receiveAllowance: number;
  private creditToReturn = 0;
  private delivering = false;
  private dataListener: ((bytes: Uint8Array) => void | Promise<void>) | undefined;
  private readableEnded = false;
  private endError: CorralError | undefined;
  private readableFinished = false;
  private readonly ends = new Emitter<CorralError | undefined>();
  private readonly closes = new Emitter<void>();

  constructor(
    readonly id: number,
    private readonly post: (message: StreamMessage) => void,
    /** Credit the peer granted us (0 until it says otherwise). */
    initialSendCredit: number,
    /** Credit we granted the peer. */
    private readonly window: number = DEFAULT_WINDOW,
  ) {
    this.sendCredit = initialSendCredit;
    this.receiveAllowance = window;
  }

  /**
   * Queues bytes; resolves at once while they fit in the peer's credit, else once they are on the
   * wire. Awaiting every write is therefore the whole back-pressure story for a producer.
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.writableEnded) {
      return Promise.reject(new CorralError('conflict', 'stream is closed for writing'));
    }
    if (bytes.byteLength === 0) return Promise.resolve();
    return new Promise<void>((done, fail) => {
      this.outboxBytes += bytes.byteLength;
      const fits = this.outboxBytes <= this.sendCredit;
      this.outbox.push({ bytes, done: fits ? undefined : done, fail });
      if (fits) done();
      this.scheduleFlush();
    });
  }

  /** Half-closes our direction after pending writes; with an error, aborts the whole stream. */
  end(error?: ErrorData): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    if (error) {
      this.failOutbox(CorralError.fromData(error));
      this.post({ t: 'end', id: this.id, error });
      this.finishReadable(CorralError.fromData(error));
      return;
    }
    this.endAfterFlush = null;
    this.flush();
  }

  /** The consumer of inbound bytes. Credit goes back when it returns (or its promise settles). */
  onData(listener: (bytes: Uint8Array) => void | Promise<void>): void {
    this.dataListener = listener;
    void this.drain();
  }

  /** Fires once when the peer half-closes (error undefined) or the stream fails. */
  onEnd(listener: (error: CorralError | undefined) => void): Disposable {
    if (this.readableFinished) {
      queueMicrotask(() => listener(this.endError));
      return { dispose() {} };
    }
    return this.ends.on(listener);
  }

  /** Bytes we may still send before the peer grants more; for tests and diagnostics. */
  get availableCredit(): number {
    return this.sendCredit;
  }

  get closed(): boolean {
    return this.writableEnded && this.endAfterFlush === undefined && this.readableFinished;
  }

  /** Fires once both directions are finished, so owners can forget the stream. */
  onClosed(listener: () => void): Disposable {
    return this.closes.on(listener);
  }

  private checkClosed(): void {
    if (!this.closed) return;
    this.closes.fire();
    this.closes.clear();
  }

  /** Called by the owning connection for every stream message addressed to this id. */
  handle(message: StreamMessage): void {
    switch (message.t) {
      case 'credit':
        this.sendCredit += message.credit;
        this.flush();
        return;
      case 'data':
        if (this.readableEnded) return;
        if (message.bytes.byteLength > this.receiveAllowance) {
          // The peer ignored flow control: refuse rather than buffer without bound.
          this.end({ code: 'bad-request', message: 'stream peer exceeded its credit' });
          return;
        }
        this.receiveAllowance -= message.bytes.byteLength;
        this.inbox.push(message.bytes);
        void this.drain();
        return;
      case 'end':
        if (message.error) {
          this.writableEnded = true;
          this.failOutbox(CorralError.fromData(message.error));
          this.endError = CorralError.fromData(message.error);
        }
        this.readableEnded = true;
        void this.drain();
        return;
    }
  }

  /** The connection went away: everything pending fails. */
  abortLocally(error: CorralError): void {
    this.writableEnded = true;
    this.failOutbox(error);
    this.finishReadable(error);
  }

  /**
   * Interactive traffic (a keystroke, its echo) goes out at once: up to IMMEDIATE_FRAMES frames
   * per BATCH_MS window leave on the next microtask. Past that the stream is a flood (a console
   * printing a file) and further writes are coalesced until the window ends.
   */
  private scheduleFlush(): void {
    if (this.outboxBytes >= MAX_FRAME) {
      this.flush();
      return;
    }
    if (this.flushTimer || this.flushQueued) return;
    const now = performance.now();
    if (now - this.windowStart >= BATCH_MS) {
      this.windowStart = now;
      this.framesInWindow = 0;
    }
    if (this.framesInWindow < IMMEDIATE_FRAMES) {
      // Still waits for the current synchronous burst: one frame per tick.
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
      return;
    }
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        this.flush();
      },
      this.windowStart + BATCH_MS - now,
    );
  }

  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    while (this.outbox.length > 0 && this.sendCredit > 0) {
      const size = Math.min(this.sendCredit, MAX_FRAME, this.outboxBytes);
      const frame = new Uint8Array(size);
      let filled = 0;
      while (filled < size) {
        const head = this.outbox[0]!;
        const take = Math.min(head.bytes.byteLength, size - filled);
        frame.set(head.bytes.subarray(0, take), filled);
        filled += take;
        if (take === head.bytes.byteLength) {
          this.outbox.shift();
          head.done?.();
        } else {
          head.bytes = head.bytes.subarray(take);
        }
      }
      this.outboxBytes -= size;
      this.sendCredit -= size;
      this.framesInWindow++;
      this.post({ t: 'data', id: this.id, bytes: frame });
    }
    if (this.outbox.length === 0 && this.endAfterFlush === null) {
      this.endAfterFlush = undefined;
      this.post({ t: 'end', id: this.id });
      this.checkClosed();
    }
  }

  private async drain(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.dataListener && this.inbox.length > 0) {
        const bytes = this.inbox.shift()!;
        try {
          await this.dataListener?.(bytes);
        } catch (err) {
          this.end({ code: 'internal', message: `stream consumer failed: ${String(err)}` });
          return;
        }
        this.returnCredit(bytes.byteLength);
      }
    } finally {
      this.delivering = false;
    }
    if (this.readableEnded && this.inbox.length === 0) this.finishReadable(this.endError);
  }

  private returnCredit(bytes: number): void {
    if (this.readableEnded) return;
    this.creditToReturn += bytes;
    // Batch credit updates; a quarter window keeps the pipe full without chatter.
    if (this.creditToReturn >= this.window / 4) {
      this.receiveAllowance += this.creditToReturn;
      this.post({ t: 'credit', id: this.id, credit: this.creditToReturn });
      this.creditToReturn = 0;
    }
  }

  private failOutbox(error: CorralError): void {
    for (const pending of this.outbox.splice(0)) if (pending.done) pending.fail(error);
    this.outboxBytes = 0;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private finishReadable(error: CorralError | undefined): void {
    if (this.readableFinished) return;
    this.readableFinished = true;
    this.readableEnded = true;
    this.endError = error;
    this.ends.fire(error);
    this.ends.clear();
    this.checkClosed();
  }
}
