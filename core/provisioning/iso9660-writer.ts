/** One file in the root directory of the image. */
export interface IsoFile {
  /** File name as the reader should see it (Joliet), e.g. `meta-data`. */
  name: string;
  data: Uint8Array;
}

/** What to put in the image. */
export interface IsoSpec {
  /** Volume label, e.g. `cidata` for a NoCloud seed (what `blkid` reports as LABEL). */
  volumeId: string;
  files: readonly IsoFile[];
  /** Recording date; fixed by default so the same seed gives the same bytes. */
  date?: Date;
}

const SECTOR = 2048;
// System area (16) + primary + Joliet supplementary + terminator, then four path tables.
const PVD = 16;
const SVD = 17;
const TERMINATOR = 18;
const PATH_TABLES = 19; // primary L, primary M, Joliet L, Joliet M
const ROOT_PRIMARY = 23;
const ROOT_JOLIET = 24;
const FIRST_FILE = 25;

/**
 * Writes a small ISO9660 image with a Joliet tree and no subdirectories: enough for a NoCloud
 * `cidata` seed, so Corral can upload seeds to a host without genisoimage there. Joliet carries
 * the real names (`meta-data`); the primary tree has ISO level-2 names (`META_DATA.;1`) for
 * readers that ignore Joliet. Linux, cloud-init and isoinfo read it.
 */
export function iso9660Image(spec: IsoSpec): Uint8Array {
  if (spec.files.length === 0) throw new Error('iso9660: no files');
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(spec.volumeId))
    throw new Error(`iso9660: bad volume id ${spec.volumeId}`);
  const names = new Set<string>();
  for (const f of spec.files) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(f.name)) throw new Error(`iso9660: bad file name ${f.name}`);
    if (names.has(f.name)) throw new Error(`iso9660: duplicate file ${f.name}`);
    names.add(f.name);
  }
  const date = spec.date ?? new Date(Date.UTC(2000, 0, 1));
  let next = FIRST_FILE;
  const placed = spec.files.map((f) => {
    const extent = next;
    next += Math.max(1, Math.ceil(f.data.length / SECTOR));
    return { ...f, extent };
  });
  const totalSectors = next;
  const image = new Uint8Array(totalSectors * SECTOR);

  const primary = placed
    .map((f) => ({ id: primaryName(f.name), f }))
    .sort((a, b) => compareBytes(a.id, b.id));
  const joliet = placed
    .map((f) => ({ id: ucs2(f.name), f }))
    .sort((a, b) => compareBytes(a.id, b.id));

  const writeDir = (
    sector: number,
    entries: { id: Uint8Array; f: (typeof placed)[number] }[],
  ): void => {
    const recs = [
      dirRecord(new Uint8Array([0]), sector, SECTOR, true, date),
      dirRecord(new Uint8Array([1]), sector, SECTOR, true, date),
      ...entries.map((e) => dirRecord(e.id, e.f.extent, e.f.data.length, false, date)),
    ];
    let off = sector * SECTOR;
    for (const r of recs) {
      if (off + r.length > (sector + 1) * SECTOR)
        throw new Error('iso9660: too many files for one directory sector');
      image.set(r, off);
      off += r.length;
    }
  };
  writeDir(ROOT_PRIMARY, primary);
  writeDir(ROOT_JOLIET, joliet);
  for (const f of placed) image.set(f.data, f.extent * SECTOR);

  image.set(pathTable(ROOT_PRIMARY, true), (PATH_TABLES + 0) * SECTOR);
  image.set(pathTable(ROOT_PRIMARY, false), (PATH_TABLES + 1) * SECTOR);
  image.set(pathTable(ROOT_JOLIET, true), (PATH_TABLES + 2) * SECTOR);
  image.set(pathTable(ROOT_JOLIET, false), (PATH_TABLES + 3) * SECTOR);

  image.set(volumeDescriptor(spec.volumeId, totalSectors, date, false), PVD * SECTOR);
  image.set(volumeDescriptor(spec.volumeId, totalSectors, date, true), SVD * SECTOR);
  const term = new Uint8Array(SECTOR);
  term[0] = 255;
  term.set(ascii('CD001'), 1);
  term[6] = 1;
  image.set(term, TERMINATOR * SECTOR);
  return image;
}

/** ISO level-2 name: upper case, d-characters only, `.` and version `;1` as ISO requires. */
function primaryName(name: string): Uint8Array {
  let base = name.toUpperCase().replace(/[^A-Z0-9_.]/g, '_');
  const dot = base.lastIndexOf('.');
  if (dot < 0) base = `${base}.`;
  else base = `${base.slice(0, dot).replace(/\./g, '_')}${base.slice(dot)}`;
  return ascii(`${base.slice(0, 28)};1`);
}

function volumeDescriptor(
  volumeId: string,
  sectors: number,
  date: Date,
  joliet: boolean,
): Uint8Array {
  const d = new Uint8Array(SECTOR);
  const text = (s: string, off: number, len: number): void => {
    d.set(joliet ? padUcs2(s, len) : padAscii(s, len), off);
  };
  d[0] = joliet ? 2 : 1;
  d.set(ascii('CD001'), 1);
  d[6] = 1;
  text('', 8, 32);
  text(volumeId, 40, 32);
  both32(d, 80, sectors);
  if (joliet) d.set(ascii('%/E'), 88); // UCS-2 level 3
  both16(d, 120, 1);
  both16(d, 124, 1);
  both16(d, 128, SECTOR);
  both32(d, 132, 10);
  const first = joliet ? PATH_TABLES + 2 : PATH_TABLES;
  new DataView(d.buffer).setUint32(140, first, true);
  new DataView(d.buffer).setUint32(148, first + 1, false);
  d.set(
    dirRecord(new Uint8Array([0]), joliet ? ROOT_JOLIET : ROOT_PRIMARY, SECTOR, true, date),
    156,
  );
  for (const [off, len] of [
    [190, 128],
    [318, 128],
    [446, 128],
    [574, 128],
    [702, 37],
    [739, 37],
    [776, 37],
  ] as const) {
    text('', off, len);
  }
  const stamp = decDate(date);
  d.set(stamp, 813);
  d.set(stamp, 830);
  d.set(decDate(undefined), 847);
  d.set(decDate(undefined), 864);
  d[881] = 1;
  return d;
}

function dirRecord(
  id: Uint8Array,
  extent: number,
  size: number,
  dir: boolean,
  date: Date,
): Uint8Array {
  const len = 33 + id.length + (id.length % 2 === 0 ? 1 : 0);
  const r = new Uint8Array(len);
  r[0] = len;
  both32(r, 2, extent);
  both32(r, 10, size);
  r.set(
    [
      date.getUTCFullYear() - 1900,
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      0,
    ],
    18,
  );
  r[25] = dir ? 2 : 0;
  both16(r, 28, 1);
  r[32] = id.length;
  r.set(id, 33);
  return r;
}

function pathTable(rootSector: number, littleEndian: boolean): Uint8Array {
  const t = new Uint8Array(10);
  const v = new DataView(t.buffer);
  t[0] = 1;
  v.setUint32(2, rootSector, littleEndian);
  v.setUint16(6, 1, littleEndian);
  return t;
}

function decDate(date: Date | undefined): Uint8Array {
  const out = new Uint8Array(17);
  if (!date) {
    out.set(ascii('0000000000000000'));
    return out;
  }
  const p = (n: number, w: number): string => String(n).padStart(w, '0');
  const s =
    p(date.getUTCFullYear(), 4) +
    p(date.getUTCMonth() + 1, 2) +
    p(date.getUTCDate(), 2) +
    p(date.getUTCHours(), 2) +
    p(date.getUTCMinutes(), 2) +
    p(date.getUTCSeconds(), 2) +
    '00';
  out.set(ascii(s));
  return out;
}

function both16(buf: Uint8Array, off: number, n: number): void {
  const v = new DataView(buf.buffer, buf.byteOffset);
  v.setUint16(off, n, true);
  v.setUint16(off + 2, n, false);
}

function both32(buf: Uint8Array, off: number, n: number): void {
  const v = new DataView(buf.buffer, buf.byteOffset);
  v.setUint32(off, n, true);
  v.setUint32(off + 4, n, false);
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0x7f);
}

function padAscii(s: string, len: number): Uint8Array {
  return ascii(s.padEnd(len, ' ').slice(0, len));
}

function ucs2(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[i * 2] = s.charCodeAt(i) >> 8;
    out[i * 2 + 1] = s.charCodeAt(i) & 0xff;
  }
  return out;
}

// Joliet text fields: UCS-2 spaces; odd-length fields (37 bytes) end in a zero byte.
function padUcs2(s: string, len: number): Uint8Array {
  const out = new Uint8Array(len);
  out.set(ucs2(s.padEnd(Math.floor(len / 2), ' ').slice(0, Math.floor(len / 2))));
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  }
  return a.length - b.length;
}
