import { Duplex } from 'node:stream';
import { MessageStatus } from './constants';
import { LibvirtRpcError } from './errors';
import type { RpcConnection, StreamSink } from './rpc-connection';

/** Largest payload we put in one STREAM packet (libvirt's own client uses 256 KiB). */
const CHUNK = 1024 * 1024;

/** How a stream treats a reader that falls behind what the daemon sends. */
export interface StreamReadOptions {
  /**
   * Unset (downloads): lossless; a reader that is behind pauses the whole connection, and with
   * it every call and stream on it, until it catches up. Set (consoles): the connection is never
   * paused for this stream; it holds up to this many bytes for its reader and drops what comes
   * beyond, announcing each drop as 'overflow' (bytes: number).
   */
  maxBufferedBytes?: number;
}

/**
 * A libvirt stream (console, volume upload/download) as a Node Duplex. Writes become STREAM
 * packets with back-pressure from the transport; end() performs libvirt's finish handshake and
 * 'finish' fires only after the daemon confirmed it; destroy() aborts the stream on the daemon.
 * Holes of sparse streams are emitted as 'hole' (length: bigint).
 */
export class LibvirtStream extends Duplex implements StreamSink {
  private serial = 0;
  private finishing: ((err?: Error | null) => void) | undefined;
  private remoteEnded = false;
  private sentFinish = false;
  private done = false;
  private paused = false;
  private earlyError: Error | undefined;

  constructor(
    private readonly conn: RpcConnection,
    private readonly proc: number,
    /** Finish deadline in ms. */
    private readonly finishTimeoutMs = 60_000,
    private readonly readOptions: StreamReadOptions = {},
  ) {
    // Not half-open: when the daemon ends the data, our side finishes too (downloads, consoles).
    super({ allowHalfOpen: false });
  }

  /** Called once the opening call's reply named the serial. */
  attach(serial: number): void {
    this.serial = serial;
    if (this.earlyError) this.destroy(this.earlyError);
  }

  // --- StreamSink: packets from the daemon ---

  onData(chunk: Buffer): void {
    if (chunk.length === 0) {
      // End of data: answer OK; the daemon confirms with OK (onFinish).
      this.remoteEnded = true;
      this.push(null);
      if (!this.sentFinish) {
        this.sentFinish = true;
        this.conn.sendStreamPacket(this.proc, this.serial, MessageStatus.OK);
      }
      return;
    }
    const cap = this.readOptions.maxBufferedBytes;
    if (cap !== undefined) {
      // Only this stream's reader is behind: the connection is shared, so it goes on.
      if (this.readableLength + chunk.length > cap) this.emit('overflow', chunk.length);
      else this.push(chunk);
      return;
    }
    if (!this.push(chunk) && !this.paused) {
      // Back-pressure on downloads: stop reading the transport until the consumer catches up.
      this.paused = true;
      this.conn.stream.pause();
    }
  }

  onHole(length: bigint, flags: number): void {
    this.emit('hole', length, flags);
  }

  onFinish(): void {
    this.done = true;
    this.conn.releaseStream(this.serial);
    if (!this.remoteEnded) {
      this.remoteEnded = true;
      this.push(null);
    }
    const cb = this.finishing;
    this.finishing = undefined;
    cb?.();
  }

  onError(err: Error): void {
    this.done = true;
    if (this.destroyed) return;
    if (this.serial === 0) {
      this.earlyError = err;
      return;
    }
    const cb = this.finishing;
    this.finishing = undefined;
    if (cb) cb(err);
    // All data arrived and we answered the end: only the daemon's confirmation is missing.
    else if (this.remoteEnded && this.sentFinish) this.conn.releaseStream(this.serial);
    else this.destroy(err);
  }

  // --- Duplex ---

  override _read(): void {
    if (this.paused) {
      this.paused = false;
      this.conn.stream.resume();
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.done) {
      cb(new LibvirtRpcError('CLOSED', 'the stream has ended'));
      return;
    }
    let ok = true;
    for (let off = 0; off < chunk.length; off += CHUNK) {
      const part = chunk.subarray(off, Math.min(chunk.length, off + CHUNK));
      ok = this.conn.sendStreamPacket(this.proc, this.serial, MessageStatus.CONTINUE, part);
    }
    if (ok) cb();
    else this.waitDrain(cb);
  }

  private waitDrain(cb: (err?: Error | null) => void): void {
    const t = this.conn.stream;
    const onDrain = () => {
      t.off('close', onDrain);
      cb(this.done && !this.remoteEnded ? new LibvirtRpcError('CLOSED', 'stream closed') : null);
    };
    t.once('drain', onDrain);
    t.once('close', onDrain);
  }

  override _final(cb: (err?: Error | null) => void): void {
    // Done, or a download whose end we already answered: nothing left to confirm for the caller.
    if (this.done || (this.remoteEnded && this.sentFinish)) {
      cb();
      return;
    }
    const timer = setTimeout(() => {
      this.finishing = undefined;
      cb(
        new LibvirtRpcError(
          'TIMEOUT',
          `stream finish not confirmed within ${this.finishTimeoutMs} ms`,
        ),
      );
    }, this.finishTimeoutMs);
    this.finishing = (err) => {
      clearTimeout(timer);
      cb(err);
    };
    if (!this.sentFinish) {
      // Finish: an empty STREAM/OK; the daemon answers STREAM/OK once the data is committed.
      this.sentFinish = true;
      this.conn.sendStreamPacket(this.proc, this.serial, MessageStatus.OK);
    }
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.done && this.serial !== 0 && this.conn.isOpen) {
      // Abort: STREAM/ERROR tells the daemon to drop the stream.
      this.done = true;
      this.conn.sendStreamPacket(this.proc, this.serial, MessageStatus.ERROR);
    }
    this.conn.releaseStream(this.serial);
    if (this.paused) this.conn.stream.resume();
    cb(err);
  }
}
