import { XdrError } from '../xdr';
import { HEADER_SIZE, MESSAGE_MAX } from './constants';

/**
 * Splits a byte stream into whole frames. A length word outside [28, MESSAGE_MAX] is rejected as
 * soon as its 4 bytes arrive, before anything is buffered for it, so a hostile peer cannot make us
 * allocate. Frames that sit inside one chunk are handed out as views (no copy); input chunks may
 * be reused by the caller after push() returns (what is kept is copied), and frames are valid
 * only during the onFrame callback.
 */
export class FrameDecoder {
  private parts: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being assembled, or 0 while its length word is incomplete. */
  private want = 0;

  /** Feeds a chunk; calls `onFrame` for each complete frame. Throws {@link XdrError}. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let off = 0;
    if (this.buffered > 0) {
      off = this.fillPending(chunk, onFrame);
      if (off < 0) return;
    }
    // Fast path: frames wholly inside this chunk.
    while (chunk.length - off >= 4) {
      const len = checkLength(chunk.readUInt32BE(off));
      if (chunk.length - off < len) break;
      onFrame(chunk.subarray(off, off + len));
      off += len;
    }
    if (off < chunk.length) {
      const rest = Buffer.from(chunk.subarray(off));
      this.parts.push(rest);
      this.buffered = rest.length;
      this.want = rest.length >= 4 ? checkLength(rest.readUInt32BE(0)) : 0;
    }
  }

  /** Completes a buffered frame from `chunk`; returns the offset consumed or -1 if still partial. */
  private fillPending(chunk: Buffer, onFrame: (frame: Buffer) => void): number {
    let off = 0;
    if (this.want === 0) {
      const needHead = 4 - this.buffered;
      if (chunk.length < needHead) {
        this.parts.push(Buffer.from(chunk));
        this.buffered += chunk.length;
        return -1;
      }
      const head = Buffer.concat([...this.parts, chunk.subarray(0, needHead)], 4);
      this.want = checkLength(head.readUInt32BE(0));
      this.parts = [head];
      this.buffered = 4;
      off = needHead;
    }
    const missing = this.want - this.buffered;
    if (chunk.length - off < missing) {
      this.parts.push(Buffer.from(chunk.subarray(off)));
      this.buffered += chunk.length - off;
      return -1;
    }
    this.parts.push(chunk.subarray(off, off + missing));
    const frame = Buffer.concat(this.parts, this.want);
    this.parts = [];
    this.buffered = 0;
    this.want = 0;
    onFrame(frame);
    return off + missing;
  }

  /** Bytes held for an incomplete frame (a peer that closes with this > 0 cut a frame short). */
  get pending(): number {
    return this.buffered;
  }
}

function checkLength(len: number): number {
  if (len < HEADER_SIZE || len > MESSAGE_MAX) {
    throw new XdrError('LIMIT', `frame length ${len} outside [${HEADER_SIZE}, ${MESSAGE_MAX}]`);
  }
  return len;
}
