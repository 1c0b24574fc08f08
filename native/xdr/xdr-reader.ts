import { XdrError } from './xdr-error';

/**
 * Reads XDR (RFC 4506) values from a byte range. Every read checks the remaining length first, and
 * every variable-length item checks its declared length against a caller-given limit before any
 * allocation, so hostile input ends in an {@link XdrError}.
 */
export class XdrReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end: number = buf.length,
  ) {
    this.pos = start;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Current offset into the underlying buffer. */
  get offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new XdrError('SHORT_READ', `need ${n} bytes for ${what}, have ${this.end - this.pos}`);
    }
  }

  /** Signed 32-bit integer. */
  int(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Unsigned 32-bit integer. */
  uint(): number {
    this.need(4, 'unsigned int');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Signed 64-bit integer (XDR hyper). */
  hyper(): bigint {
    this.need(8, 'hyper');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned 64-bit integer. */
  uhyper(): bigint {
    this.need(8, 'unsigned hyper');
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** IEEE double. */
  double(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** XDR bool: exactly 0 or 1. */
  bool(): boolean {
    const v = this.uint();
    if (v > 1) throw new XdrError('INVALID', `bool must be 0 or 1, got ${v}`);
    return v === 1;
  }

  /** Length word of a variable item, checked against `max` and against the bytes left. */
  length(max: number, what: string): number {
    const n = this.uint();
    if (n > max) throw new XdrError('LIMIT', `${what} length ${n} exceeds limit ${max}`);
    return n;
  }

  private skipPad(n: number): void {
    const pad = (4 - (n & 3)) & 3;
    if (pad) {
      this.need(pad, 'padding');
      this.pos += pad;
    }
  }

  /** Variable-length string (UTF-8) of at most `max` bytes. */
  string(max: number): string {
    const n = this.length(max, 'string');
    this.need(n, 'string body');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    this.skipPad(n);
    return s;
  }

  /** Fixed-length opaque data; returns a copy so the frame buffer can be released. */
  fixedOpaque(n: number): Buffer {
    this.need(n, 'fixed opaque');
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    this.skipPad(n);
    return out;
  }

  /** Fixed-length opaque as lowercase hex, without copying. */
  fixedOpaqueHex(n: number): string {
    this.need(n, 'fixed opaque');
    const s = this.buf.toString('hex', this.pos, this.pos + n);
    this.pos += n;
    this.skipPad(n);
    return s;
  }

  /** Variable-length opaque data of at most `max` bytes (a copy). */
  opaque(max: number): Buffer {
    const n = this.length(max, 'opaque');
    this.need(n, 'opaque body');
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    this.skipPad(n);
    return out;
  }

  /** Fails unless every byte was consumed (trailing garbage is a protocol error). */
  finish(what: string): void {
    if (this.pos !== this.end) {
      throw new XdrError('INVALID', `${this.end - this.pos} trailing bytes after ${what}`);
    }
  }
}
