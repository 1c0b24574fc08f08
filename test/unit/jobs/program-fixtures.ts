import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

/** One entry of a crafted tar: what a hostile or careless archive could hold. */
export interface TarSpec {
  name: string;
  /** tar typeflag: '0' file, '1' hard link, '2' symlink, '3' char device, '5' dir, '6' fifo. */
  type?: string;
  data?: string | Uint8Array;
  link?: string;
  mode?: number;
  /** Writes the name as a GNU long-name ('L') record before the header. */
  gnuLongName?: boolean;
  /** Writes the name as a pax 'path' record before the header. */
  paxPath?: boolean;
}

const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, '0') + '\0';

function header(name: string, type: string, size: number, link = '', mode = 0o644): Uint8Array {
  const h = new Uint8Array(512);
  const put = (text: string, at: number) => h.set(Buffer.from(text, 'utf8'), at);
  put(name.slice(0, 100), 0);
  put(octal(mode, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(0, 12), 136);
  put('        ', 148);
  put(type, 156);
  put(link.slice(0, 100), 157);
  put('ustar\0', 257);
  put('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  put(octal(sum, 7) + ' ', 148);
  return h;
}

function padded(data: Uint8Array): Uint8Array[] {
  const pad = (512 - (data.byteLength % 512)) % 512;
  return [data, new Uint8Array(pad)];
}

/** An uncompressed tar of the given entries, in order. */
export function tarOf(entries: readonly TarSpec[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? new Uint8Array(0));
    let name = e.name;
    if (e.gnuLongName) {
      const long = Buffer.from(`${e.name}\0`);
      parts.push(header('././@LongLink', 'L', long.byteLength), ...padded(long));
      name = 'placeholder';
    }
    if (e.paxPath) {
      let record = ` path=${e.name}\n`;
      let len = record.length + 2;
      len = `${len}${record}`.length;
      record = `${len}${record}`;
      const bytes = Buffer.from(record);
      parts.push(header('PaxHeader', 'x', bytes.byteLength), ...padded(bytes));
      name = 'placeholder';
    }
    parts.push(header(name, e.type ?? '0', data.byteLength, e.link, e.mode), ...padded(data));
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

export const tarGzOf = (entries: readonly TarSpec[]) => gzipSync(tarOf(entries));

/** One entry of a crafted zip. `unixMode` (with its file type bits) marks it as made on Unix. */
export interface ZipSpec {
  name: string;
  data?: string;
  unixMode?: number;
  stored?: boolean;
}

/** A zip of the given entries: local headers, data, central directory, end record. */
export function zipOf(entries: readonly ZipSpec[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = Buffer.from(e.data ?? '');
    const body = e.stored ? raw : deflateRawSync(raw);
    const name = Buffer.from(e.name);
    const crc = crc32(raw) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(raw.byteLength, 22);
    local.writeUInt16LE(name.byteLength, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.unixMode !== undefined ? (3 << 8) | 20 : 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.byteLength, 20);
    central.writeUInt32LE(raw.byteLength, 24);
    central.writeUInt16LE(name.byteLength, 28);
    central.writeUInt32LE(((e.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.byteLength + body.byteLength;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * A minimal ELF64 header (plus program headers) as a compiler for `machine` would write it:
 * class 2 = 64-bit, data 1 = little endian, type 2 = EXEC, 3 = DYN; `interp` adds a PT_INTERP
 * program header (what makes an ET_DYN a PIE rather than a shared library).
 */
export function elfHeader(
  opts: {
    machine?: number;
    elfClass?: number;
    data?: number;
    type?: number;
    interp?: boolean;
  } = {},
): Uint8Array {
  const { machine = 62, elfClass = 2, data = 1, type = 2, interp = false } = opts;
  const phnum = interp ? 2 : 1;
  const buf = Buffer.alloc(64 + 56 * phnum + 64);
  buf.set([0x7f, 0x45, 0x4c, 0x46, elfClass, data, 1], 0);
  const le = data !== 2;
  const u16 = (v: number, at: number) => (le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  u16(type, 16);
  u16(machine, 18);
  buf.writeBigUInt64LE(64n, 32);
  u16(64, 52);
  u16(56, 54);
  u16(phnum, 56);
  buf.writeUInt32LE(6 /* PT_PHDR */, 64);
  if (interp) buf.writeUInt32LE(3 /* PT_INTERP */, 64 + 56);
  return buf;
}
