import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { type Codec, XdrReader, XdrWriter } from '../xdr';
import { BODY_OFFSET, beginPacket, endPacket, readHeader, type PacketHeader } from './packet';
import {
  HEADER_SIZE,
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  MESSAGE_MAX,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
} from './constants';
import { LibvirtError, LibvirtRpcError } from './errors';
import { FrameDecoder } from './frame-decoder';
import { remoteError } from './protocol-types';
import { xhyper, xstruct, xuint } from '../xdr';

/** Tuning of one RPC connection. */
export interface RpcConnectionOptions {
  /** Calls on the wire at once; more wait in a queue (libvirtd's max_client_requests is 5). */
  maxInFlight?: number;
  /** Default deadline of every call, in ms. */
  callTimeoutMs?: number;
  /** Idle time before we send our own PING, in ms; 0 disables our keepalive. */
  keepaliveIntervalMs?: number;
  /** Unanswered idle intervals after which the connection is declared dead. */
  keepaliveCount?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Deadline of this call in ms (overrides the connection default). */
  timeoutMs?: number;
}

/** Receives the packets of a stream opened by a call. */
export interface StreamSink {
  onData(chunk: Buffer): void;
  onHole(length: bigint, flags: number): void;
  /** The peer sent STREAM/OK (end confirmed or end requested). */
  onFinish(): void;
  onError(err: Error): void;
}

interface PendingCall {
  serial: number;
  proc: number;
  args: unknown;
  argsCodec: Codec<unknown>;
  retCodec: Codec<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  /** performance.now() past which the call fails with TIMEOUT. */
  deadline: number;
  timeoutMs: number;
  sink: StreamSink | undefined;
}

const holeCodec = xstruct({ length: xhyper, flags: xuint });
/** Stream payloads above this go to the transport directly instead of through the batch buffer. */
const DIRECT_WRITE_MIN = 64 * 1024;
/** How many expired serials we remember so that their late replies are not protocol errors. */
const EXPIRED_MEMORY = 4096;
/** Deadline sweeper period; deadlines are enforced to within this (or a quarter of a short one). */
const DEFAULT_SWEEP_MS = 250;
const MIN_SWEEP_MS = 2;

/**
 * One libvirt RPC connection over any Duplex: framing, serials, up to N calls in flight with a
 * queue beyond, deadlines, keepalive, stream packets and event messages. Knows no procedure
 * beyond the keepalive program; the typed layer is {@link LibvirtClient}.
 *
 * Events: 'close' (error: Error | undefined), 'message' (proc, body: XdrReader; valid only
 * during the listener call, decode synchronously).
 */
export class RpcConnection extends EventEmitter {
  private readonly decoder = new FrameDecoder();
  /** Calls and small stream packets of one tick, batched into one write; one message fits. */
  private readonly out = new XdrWriter(undefined, MESSAGE_MAX);
  private flushScheduled = false;
  private serial = 0;
  private inFlight = 0;
  private readonly pending = new Map<number, PendingCall>();
  private readonly queue: PendingCall[] = [];
  private readonly streams = new Map<number, StreamSink>();
  private readonly expired = new Set<number>();
  private readonly maxInFlight: number;
  private readonly callTimeoutMs: number;
  private readonly keepaliveIntervalMs: number;
  private readonly keepaliveCount: number;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  /** One deadline sweeper instead of a timer per call (a timer per call costs a libuv call). */
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepMs = DEFAULT_SWEEP_MS;
  private lastRx = Date.now();
  private misses = 0;
  private closedWith: Error | null | undefined = undefined;
  /** Resolves when the connection has closed; carries the error if it died. */
  readonly closed: Promise<Error | undefined>;
  private resolveClosed!: (e: Error | undefined) => void;

  constructor(
    private readonly transport: Duplex,
    opts: RpcConnectionOptions = {},
  ) {
    super();
    this.maxInFlight = opts.maxInFlight ?? 5;
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.keepaliveIntervalMs = opts.keepaliveIntervalMs ?? 5_000;
    this.keepaliveCount = opts.keepaliveCount ?? 5;
    this.closed = new Promise((r) => (this.resolveClosed = r));
    transport.on('data', this.onData);
    transport.on('error', (err: Error) =>
      this.fail(
        new LibvirtRpcError('TRANSPORT', `transport error: ${err.message}`, { cause: err }),
      ),
    );
    transport.on('end', () => this.fail(this.closeError('the peer ended the connection')));
    transport.on('close', () => this.fail(this.closeError('the connection closed')));
    this.armSweep(DEFAULT_SWEEP_MS);
    if (this.keepaliveIntervalMs > 0) {
      this.keepaliveTimer = setInterval(this.keepaliveTick, this.keepaliveIntervalMs);
      this.keepaliveTimer.unref();
    }
  }

  /** True until the connection closed or died. */
  get isOpen(): boolean {
    return this.closedWith === undefined;
  }

  /** The underlying transport (for back-pressure of stream writers). */
  get stream(): Duplex {
    return this.transport;
  }

  /** Calls a REMOTE procedure. Rejects with LibvirtError or LibvirtRpcError, never hangs. */
  call<A, R>(proc: number, argsCodec: Codec<A>, args: A, retCodec: Codec<R>, opts?: CallOptions) {
    return this.enqueue<R>(proc, argsCodec as Codec<unknown>, args, retCodec, undefined, opts);
  }

  /**
   * Calls a stream-opening procedure: `sink` gets the stream's packets, which may follow the OK
   * reply at once. Resolves with the stream's serial.
   */
  async callStream<A>(
    proc: number,
    argsCodec: Codec<A>,
    args: A,
    sink: StreamSink,
    opts?: CallOptions,
  ): Promise<number> {
    let serial = 0;
    await this.enqueue<unknown>(
      proc,
      argsCodec as Codec<unknown>,
      args,
      { enc: () => {}, dec: () => undefined },
      sink,
      opts,
      (s) => (serial = s),
    );
    return serial;
  }

  private enqueue<R>(
    proc: number,
    argsCodec: Codec<unknown>,
    args: unknown,
    retCodec: Codec<R>,
    sink: StreamSink | undefined,
    opts: CallOptions | undefined,
    onSerial?: (serial: number) => void,
  ): Promise<R> {
    if (this.closedWith !== undefined) {
      return Promise.reject(this.closedWith ?? this.closeError('the connection is closed'));
    }
    return new Promise<R>((resolve, reject) => {
      this.serial = (this.serial + 1) >>> 0 || 1;
      const call: PendingCall = {
        serial: this.serial,
        proc,
        args,
        argsCodec,
        retCodec: retCodec as Codec<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
        deadline: 0,
        timeoutMs: opts?.timeoutMs ?? this.callTimeoutMs,
        sink,
      };
      onSerial?.(call.serial);
      // The deadline covers queueing too: a caller's wait is bounded whatever the backlog.
      call.deadline = performance.now() + call.timeoutMs;
      if (call.timeoutMs < this.sweepMs) this.armSweep(call.timeoutMs);
      if (this.inFlight < this.maxInFlight) this.send(call);
      else this.queue.push(call);
    });
  }

  private send(call: PendingCall): void {
    let err = this.encodeCall(call);
    if (err && this.out.length > 0) {
      // The batch of this tick left no room for a large call: write the batch, then try alone.
      this.flush();
      err = this.encodeCall(call);
    }
    if (err) {
      call.reject(err);
      this.pump();
      return;
    }
    this.inFlight++;
    this.pending.set(call.serial, call);
    if (call.sink) this.streams.set(call.serial, call.sink);
    this.scheduleFlush();
  }

  /** Appends the CALL packet of `call` to the batch; on failure leaves the batch as it was. */
  private encodeCall(call: PendingCall): Error | undefined {
    const w = this.out;
    const start = w.length;
    try {
      const at = beginPacket(w, {
        prog: REMOTE_PROGRAM,
        vers: REMOTE_PROTOCOL_VERSION,
        proc: call.proc,
        type: MessageType.CALL,
        serial: call.serial,
        status: MessageStatus.OK,
      });
      call.argsCodec.enc(w, call.args);
      endPacket(w, at);
      return undefined;
    } catch (err) {
      w.rewind(start);
      return err as Error;
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One write per tick: every call issued in the same tick (and its promise continuations)
    // shares a single socket write.
    process.nextTick(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.out.length === 0 || this.closedWith !== undefined) {
      this.out.reset();
      return;
    }
    this.transport.write(this.out.copy());
    this.out.reset();
  };

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      this.send(this.queue.shift() as PendingCall);
    }
  }

  /** (Re)starts the sweeper so that it runs at least every `ms` (a quarter of short deadlines). */
  private armSweep(ms: number): void {
    const every = Math.max(MIN_SWEEP_MS, Math.min(DEFAULT_SWEEP_MS, Math.floor(ms / 4)));
    if (this.sweepTimer && every >= this.sweepMs) return;
    clearInterval(this.sweepTimer);
    this.sweepMs = every;
    this.sweepTimer = setInterval(this.sweep, every);
    this.sweepTimer.unref();
  }

  private readonly sweep = (): void => {
    if (this.pending.size === 0 && this.queue.length === 0) return;
    const now = performance.now();
    const late: PendingCall[] = [];
    for (const c of this.pending.values()) if (c.deadline <= now) late.push(c);
    for (const c of this.queue) if (c.deadline <= now) late.push(c);
    for (const c of late) this.expire(c);
  };

  private expire(call: PendingCall): void {
    const idx = this.queue.indexOf(call);
    if (idx >= 0) {
      this.queue.splice(idx, 1);
    } else if (this.pending.delete(call.serial)) {
      // The daemon may still answer; remember the serial so its reply is not a protocol error.
      this.inFlight--;
      this.streams.delete(call.serial);
      this.expired.add(call.serial);
      if (this.expired.size > EXPIRED_MEMORY) {
        this.expired.delete(this.expired.values().next().value as number);
      }
    }
    call.reject(
      new LibvirtRpcError(
        'TIMEOUT',
        `procedure ${call.proc} got no reply within ${call.timeoutMs} ms`,
      ),
    );
    this.pump();
  }

  /**
   * Sends one stream packet on `serial`. Returns false when the transport asks us to wait for
   * 'drain' (back-pressure for uploads).
   */
  sendStreamPacket(proc: number, serial: number, status: number, payload?: Buffer): boolean {
    if (this.closedWith !== undefined) return true;
    const h: PacketHeader = {
      prog: REMOTE_PROGRAM,
      vers: REMOTE_PROTOCOL_VERSION,
      proc,
      type: MessageType.STREAM,
      serial,
      status,
    };
    const size = payload?.length ?? 0;
    this.makeRoom(HEADER_SIZE + Math.min(size, DIRECT_WRITE_MIN));
    const w = this.out;
    const at = beginPacket(w, h);
    if (payload && size >= DIRECT_WRITE_MIN) {
      // Big payloads skip the batch buffer: header (with anything batched before it), then data.
      w.patchUint(at, w.length - at + size);
      const head = w.copy();
      w.reset();
      this.transport.cork();
      this.transport.write(head);
      const ok = this.transport.write(payload);
      this.transport.uncork();
      return ok;
    }
    if (payload) w.raw(payload);
    endPacket(w, at);
    this.scheduleFlush();
    return !this.transport.writableNeedDrain;
  }

  /** Stops routing packets of `serial` to its sink. */
  releaseStream(serial: number): void {
    this.streams.delete(serial);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.lastRx = Date.now();
    this.misses = 0;
    try {
      this.decoder.push(chunk, this.onFrame);
    } catch (err) {
      this.fail(
        err instanceof LibvirtRpcError
          ? err
          : new LibvirtRpcError('PROTOCOL', `bad frame: ${(err as Error).message}`, { cause: err }),
      );
    }
  };

  private readonly onFrame = (frame: Buffer): void => {
    if (this.closedWith !== undefined) return;
    const h = readHeader(frame);
    if (h.prog === REMOTE_PROGRAM) {
      if (h.vers !== REMOTE_PROTOCOL_VERSION) throw this.protocolError(`version ${h.vers}`, h);
      switch (h.type) {
        case MessageType.REPLY:
          return this.onReply(h, frame);
        case MessageType.MESSAGE:
          this.emit('message', h.proc, new XdrReader(frame, BODY_OFFSET));
          return;
        case MessageType.STREAM:
        case MessageType.STREAM_HOLE:
          return this.onStreamPacket(h, frame);
        default:
          throw this.protocolError(`message type ${h.type}`, h);
      }
    }
    if (h.prog === KEEPALIVE_PROGRAM) {
      if (h.proc === KEEPALIVE_PROC_PING) this.sendKeepalive(KEEPALIVE_PROC_PONG);
      else if (h.proc !== KEEPALIVE_PROC_PONG)
        throw this.protocolError(`keepalive proc ${h.proc}`, h);
      return;
    }
    throw this.protocolError(`program 0x${h.prog.toString(16)}`, h);
  };

  private protocolError(what: string, h: PacketHeader): LibvirtRpcError {
    return new LibvirtRpcError(
      'PROTOCOL',
      `unexpected ${what} (prog 0x${h.prog.toString(16)} proc ${h.proc} type ${h.type} serial ${h.serial})`,
    );
  }

  private onReply(h: PacketHeader, frame: Buffer): void {
    const call = this.pending.get(h.serial);
    if (!call || call.proc !== h.proc) {
      if (this.expired.delete(h.serial)) return;
      throw this.protocolError('reply', h);
    }
    this.pending.delete(h.serial);
    this.inFlight--;
    const r = new XdrReader(frame, BODY_OFFSET);
    if (h.status === MessageStatus.OK) {
      let value: unknown;
      try {
        value = call.retCodec.dec(r);
        r.finish(`reply to procedure ${h.proc}`);
      } catch (err) {
        this.streams.delete(h.serial);
        call.reject(this.decodeError(err, h));
        this.pump();
        return;
      }
      call.resolve(value);
    } else {
      this.streams.delete(h.serial);
      call.reject(this.readError(r, h));
    }
    this.pump();
  }

  private decodeError(err: unknown, h: PacketHeader): Error {
    return new LibvirtRpcError(
      'PROTOCOL',
      `cannot decode body of procedure ${h.proc}: ${(err as Error).message}`,
      { cause: err },
    );
  }

  private readError(r: XdrReader, h: PacketHeader): Error {
    try {
      return new LibvirtError(remoteError.dec(r));
    } catch (err) {
      return this.decodeError(err, h);
    }
  }

  private onStreamPacket(h: PacketHeader, frame: Buffer): void {
    const sink = this.streams.get(h.serial);
    if (!sink) {
      // Packets may still arrive after we aborted a stream; anything else is a wrong serial.
      if (this.expired.has(h.serial) || h.serial <= this.serial) return;
      throw this.protocolError('stream packet', h);
    }
    if (h.type === MessageType.STREAM_HOLE) {
      const r = new XdrReader(frame, BODY_OFFSET);
      const hole = holeCodec.dec(r);
      sink.onHole(hole.length, hole.flags);
      return;
    }
    switch (h.status) {
      case MessageStatus.CONTINUE:
        // A copy: the frame may sit in a read buffer the transport reuses.
        sink.onData(Buffer.from(frame.subarray(BODY_OFFSET)));
        return;
      case MessageStatus.OK:
        sink.onFinish();
        return;
      case MessageStatus.ERROR:
        this.streams.delete(h.serial);
        sink.onError(this.readError(new XdrReader(frame, BODY_OFFSET), h));
        return;
      default:
        throw this.protocolError(`stream status ${h.status}`, h);
    }
  }

  /** Writes the batch now if `bytes` more would not fit in one message's buffer. */
  private makeRoom(bytes: number): void {
    if (this.out.length + bytes > MESSAGE_MAX) this.flush();
  }

  private sendKeepalive(proc: number): void {
    this.makeRoom(HEADER_SIZE);
    const at = beginPacket(this.out, {
      prog: KEEPALIVE_PROGRAM,
      vers: KEEPALIVE_PROTOCOL_VERSION,
      proc,
      type: MessageType.MESSAGE,
      serial: 0,
      status: MessageStatus.OK,
    });
    endPacket(this.out, at);
    this.scheduleFlush();
  }

  private readonly keepaliveTick = (): void => {
    if (Date.now() - this.lastRx < this.keepaliveIntervalMs) return;
    if (this.misses >= this.keepaliveCount) {
      this.fail(
        new LibvirtRpcError(
          'KEEPALIVE',
          `no answer to ${this.misses} keepalive pings (${this.keepaliveIntervalMs} ms apart)`,
        ),
      );
      return;
    }
    this.misses++;
    this.sendKeepalive(KEEPALIVE_PROC_PING);
  };

  private closeError(why: string): LibvirtRpcError {
    const cut =
      this.decoder.pending > 0 ? ` (${this.decoder.pending} bytes of a frame cut short)` : '';
    return new LibvirtRpcError('CLOSED', `${why}${cut}`);
  }

  /** Ends the connection after flushing what is queued; pending calls fail with CLOSED. */
  async close(): Promise<void> {
    if (this.closedWith === undefined) {
      this.flush();
      this.transport.end();
      const t = setTimeout(() => this.transport.destroy(), 2_000);
      t.unref();
      this.fail(null);
    }
    await this.closed;
  }

  /** Kills the connection with `err` (pending calls and streams fail with it). */
  destroy(err?: Error): void {
    this.fail(err ?? new LibvirtRpcError('CLOSED', 'the connection was destroyed'));
  }

  private fail(err: Error | null): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = err;
    clearInterval(this.keepaliveTimer);
    const reason = err ?? new LibvirtRpcError('CLOSED', 'the connection was closed');
    const calls = [...this.pending.values(), ...this.queue];
    this.pending.clear();
    this.queue.length = 0;
    this.inFlight = 0;
    const sinks = [...this.streams.values()];
    this.streams.clear();
    clearInterval(this.sweepTimer);
    for (const c of calls) c.reject(reason);
    for (const s of sinks) s.onError(reason);
    this.transport.off('data', this.onData);
    if (err) this.transport.destroy();
    this.resolveClosed(err ?? undefined);
    this.emit('close', err ?? undefined);
  }
}
