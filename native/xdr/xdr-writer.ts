import { XdrError } from './xdr-error';

const INITIAL = 64 * 1024;

/**
 * Appends XDR values to a growable buffer that is reused between messages (reset()), so the hot
 * path of a call allocates only the final copy that goes to the socket.
 */
export class XdrWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(
    initialSize = INITIAL,
    /** The most this writer may ever hold (a message limit). */
    private readonly maxSize = 16 * 1024 * 1024 + 4,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Forget the content, keep the storage. */
  reset(): void {
    this.pos = 0;
  }

  /** Drop everything written after `to` (undo a failed encode). */
  rewind(to: number): void {
    if (to < this.pos) this.pos = to;
  }

  /** A view of the bytes written (valid until the next write or reset). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written, safe to hand to a socket. */
  copy(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  private ensure(n: number): void {
    const want = this.pos + n;
    if (want <= this.buf.length) return;
    if (want > this.maxSize) {
      throw new XdrError('LIMIT', `message of ${want} bytes exceeds limit ${this.maxSize}`);
    }
    let size = this.buf.length * 2;
    while (size < want) size *= 2;
    const next = Buffer.allocUnsafe(Math.min(size, this.maxSize));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Overwrite a 32-bit word already written (e.g. a length prefix). */
  patchUint(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }

  /** Signed 32-bit integer. */
  int(v: number): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new XdrError('INVALID', `int out of range: ${v}`);
    }
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  /** Unsigned 32-bit integer. */
  uint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new XdrError('INVALID', `unsigned int out of range: ${v}`);
    }
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  /** Signed 64-bit integer. */
  hyper(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
  }

  /** Unsigned 64-bit integer. */
  uhyper(v: bigint): void {
    if (v < 0n) throw new XdrError('INVALID', `unsigned hyper is negative: ${v}`);
    this.ensure(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  /** IEEE double. */
  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** XDR bool. */
  bool(v: boolean): void {
    this.uint(v ? 1 : 0);
  }

  private pad(n: number): void {
    const pad = (4 - (n & 3)) & 3;
    if (pad) {
      this.ensure(pad);
      this.buf.fill(0, this.pos, this.pos + pad);
      this.pos += pad;
    }
  }

  /** Variable-length UTF-8 string of at most `max` bytes. */
  string(v: string, max: number): void {
    // Worst case 3 bytes per UTF-16 unit; reserve, then write and patch the length.
    const worst = v.length * 3;
    const n = worst <= max ? this.writeStringBody(v, worst) : this.writeStringChecked(v, max);
    this.pad(n);
  }

  private writeStringBody(v: string, worst: number): number {
    this.ensure(4 + worst);
    const at = this.pos;
    const n = this.buf.write(v, at + 4, 'utf8');
    this.buf.writeUInt32BE(n, at);
    this.pos = at + 4 + n;
    return n;
  }

  private writeStringChecked(v: string, max: number): number {
    const n = Buffer.byteLength(v, 'utf8');
    if (n > max) throw new XdrError('LIMIT', `string of ${n} bytes exceeds limit ${max}`);
    return this.writeStringBody(v, n);
  }

  /** Fixed-length opaque data: exactly `n` bytes. */
  fixedOpaque(v: Uint8Array, n: number): void {
    if (v.length !== n)
      throw new XdrError('INVALID', `fixed opaque needs ${n} bytes, got ${v.length}`);
    this.ensure(n);
    this.buf.set(v, this.pos);
    this.pos += n;
    this.pad(n);
  }

  /** Variable-length opaque data of at most `max` bytes. */
  opaque(v: Uint8Array, max: number): void {
    if (v.length > max)
      throw new XdrError('LIMIT', `opaque of ${v.length} bytes exceeds limit ${max}`);
    this.uint(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    this.pad(v.length);
  }

  /** Raw bytes, no length, no padding (stream payloads). */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
}
