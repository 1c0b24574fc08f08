import { type ArchiveEntry, type ArchiveEntryType, normaliseEntryName } from './archive-entry';

const BLOCK = 512;

/** A tar listing could not be read: the archive is damaged or not a tar. */
export class ArchiveFormatError extends Error {}

/**
 * Lists a tar archive (already gunzipped) without extracting anything: ustar, pax path/linkpath/
 * size records and GNU long names, which is what GNU tar, bsdtar and the usual libraries write.
 */
export function listTar(tar: Uint8Array): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + BLOCK <= tar.byteLength) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    checkChecksum(header, offset);
    const typeflag = String.fromCharCode(header[156]!);
    const size = pax.size !== undefined ? Number(pax.size) : octal(header.subarray(124, 136));
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new ArchiveFormatError(`a tar header at byte ${offset} has a bad size`);
    }
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > tar.byteLength) {
      throw new ArchiveFormatError('the tar archive is cut off in the middle of an entry');
    }
    const data = tar.subarray(dataStart, dataEnd);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    switch (typeflag) {
      case 'x':
        pax = { ...pax, ...parsePax(data) };
        continue;
      case 'g':
        continue;
      case 'L':
        longName = cString(data);
        continue;
      case 'K':
        longLink = cString(data);
        continue;
    }
    const prefix = ustar(header) ? cString(header.subarray(345, 500)) : '';
    const shortName = cString(header.subarray(0, 100));
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
    const link = pax.linkpath ?? longLink ?? cString(header.subarray(157, 257));
    const type = entryType(typeflag, name);
    const entry: ArchiveEntry = {
      path: normaliseEntryName(name),
      type,
      size: type === 'file' ? size : 0,
      mode: octal(header.subarray(100, 108)),
      data: () => data,
    };
    if (type === 'symlink' || type === 'hardlink') entry.linkTarget = link;
    entries.push(entry);
    pax = {};
    longName = undefined;
    longLink = undefined;
  }
  return entries;
}

function entryType(flag: string, name: string): ArchiveEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      // Old tars mark folders only by the trailing slash.
      return name.endsWith('/') ? 'dir' : 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
    case '4':
      return 'device';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      // Sparse files, volume labels, vendor types: nothing a program needs; refused as devices
      // would be, rather than written half understood.
      return 'device';
  }
}

function ustar(header: Uint8Array): boolean {
  return cString(header.subarray(257, 262)) === 'ustar';
}

function checkChecksum(header: Uint8Array, offset: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  if (sum !== octal(header.subarray(148, 156))) {
    throw new ArchiveFormatError(`the tar header at byte ${offset} is damaged (bad checksum)`);
  }
}

/** A numeric field: octal text, or GNU's base-256 (high bit set) for large values. */
function octal(field: Uint8Array): number {
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.byteLength; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = cString(field).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

/** pax records: "<length> <key>=<value>\n", the length counting the whole record. */
function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.byteLength) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const length = parseInt(Buffer.from(data.subarray(i, space)).toString('ascii'), 10);
    if (!Number.isSafeInteger(length) || length <= 0 || i + length > data.byteLength) {
      throw new ArchiveFormatError('a pax header record is damaged');
    }
    const record = Buffer.from(data.subarray(space + 1, i + length - 1)).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += length;
  }
  return out;
}
