import { crc32, inflateRawSync } from 'node:zlib';
import { type ArchiveEntry, type ArchiveEntryType, normaliseEntryName } from './archive-entry';
import { ArchiveFormatError } from './archive-tar';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const UNIX = 3;

/**
 * Lists a zip archive from its central directory (the authoritative listing; local headers are
 * only read to find an entry's bytes, when they are asked for). Stored and deflated entries;
 * encrypted entries and zip64 are refused (a program under Corral's size limit needs neither).
 */
export function listZip(zip: Uint8Array): ArchiveEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = findEnd(view);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    throw new ArchiveFormatError('zip64 archives are not supported');
  }
  if (cdOffset + cdSize > eocd) throw new ArchiveFormatError('the zip directory is damaged');
  const entries: ArchiveEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.byteLength || view.getUint32(p, true) !== CENTRAL) {
      throw new ArchiveFormatError('the zip directory is damaged');
    }
    const madeBy = view.getUint16(p + 4, true) >> 8;
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressed = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const external = view.getUint32(p + 38, true);
    const localOffset = view.getUint32(p + 42, true);
    const rawName = Buffer.from(zip.subarray(p + 46, p + 46 + nameLength)).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;
    const mode = madeBy === UNIX ? external >>> 16 : undefined;
    const type = zipType(rawName, mode);
    const name = normaliseEntryName(rawName);
    if (flags & 1) throw new ArchiveFormatError(`"${name}" is encrypted`);
    if (method !== 0 && method !== 8 && type !== 'dir') {
      throw new ArchiveFormatError(`"${name}" uses compression method ${method}`);
    }
    const data = () => readEntry(zip, view, { name, localOffset, compressed, size, method, crc });
    const entry: ArchiveEntry = { path: name, type, size: type === 'file' ? size : 0, data };
    if (mode !== undefined) entry.mode = mode & 0o7777;
    if (type === 'symlink') {
      if (size > 4096) throw new ArchiveFormatError(`the link "${name}" is damaged`);
      entry.linkTarget = Buffer.from(data()).toString('utf8');
    }
    entries.push(entry);
  }
  return entries;
}

function zipType(name: string, mode: number | undefined): ArchiveEntryType {
  if (mode !== undefined && mode !== 0) {
    switch (mode & 0o170000) {
      case 0o100000:
        return 'file';
      case 0o040000:
        return 'dir';
      case 0o120000:
        return 'symlink';
      case 0o010000:
        return 'fifo';
      default:
        return 'device';
    }
  }
  return name.endsWith('/') ? 'dir' : 'file';
}

/** The end-of-central-directory record: the last one within the final 64 KiB (the comment). */
function findEnd(view: DataView): number {
  const last = view.byteLength - 22;
  const first = Math.max(0, last - 0xffff);
  for (let i = last; i >= first; i--) if (view.getUint32(i, true) === EOCD) return i;
  throw new ArchiveFormatError('not a zip archive (no central directory)');
}

function readEntry(
  zip: Uint8Array,
  view: DataView,
  e: {
    name: string;
    localOffset: number;
    compressed: number;
    size: number;
    method: number;
    crc: number;
  },
): Uint8Array {
  const p = e.localOffset;
  if (p + 30 > zip.byteLength || view.getUint32(p, true) !== LOCAL) {
    throw new ArchiveFormatError(`the zip entry "${e.name}" is damaged`);
  }
  const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
  if (start + e.compressed > zip.byteLength) {
    throw new ArchiveFormatError(`the zip entry "${e.name}" is cut off`);
  }
  const raw = zip.subarray(start, start + e.compressed);
  let out: Uint8Array;
  try {
    // The listing's size bounds the output, so a crafted entry cannot inflate without limit.
    out = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
  } catch {
    throw new ArchiveFormatError(`the zip entry "${e.name}" does not unpack to its listed size`);
  }
  if (out.byteLength !== e.size || crc32(out) >>> 0 !== e.crc) {
    throw new ArchiveFormatError(`the zip entry "${e.name}" is damaged (size or checksum)`);
  }
  return out;
}
