import { XdrError, type XdrWriter } from '../xdr';
import { HEADER_SIZE, MESSAGE_MAX } from './constants';

/** The six header words every libvirt RPC message carries after its length word. */
export interface PacketHeader {
  prog: number;
  vers: number;
  proc: number;
  type: number;
  serial: number;
  status: number;
}

/** Writes length placeholder + header; returns where the length word is, for {@link endPacket}. */
export function beginPacket(w: XdrWriter, h: PacketHeader): number {
  const at = w.length;
  w.uint(0);
  w.uint(h.prog);
  w.uint(h.vers);
  w.int(h.proc);
  w.int(h.type);
  w.uint(h.serial);
  w.int(h.status);
  return at;
}

/** Patches the length word of the packet begun at `at` (the length counts itself). */
export function endPacket(w: XdrWriter, at: number): void {
  const len = w.length - at;
  if (len > MESSAGE_MAX)
    throw new XdrError('LIMIT', `message of ${len} bytes exceeds ${MESSAGE_MAX}`);
  w.patchUint(at, len);
}

/** Reads the header of a whole frame (length word included). */
export function readHeader(frame: Buffer): PacketHeader {
  return {
    prog: frame.readUInt32BE(4),
    vers: frame.readUInt32BE(8),
    proc: frame.readInt32BE(12),
    type: frame.readInt32BE(16),
    serial: frame.readUInt32BE(20),
    status: frame.readInt32BE(24),
  };
}

/** Body offset inside a frame. */
export const BODY_OFFSET = HEADER_SIZE;
