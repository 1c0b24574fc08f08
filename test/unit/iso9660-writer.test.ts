import { describe, expect, it } from 'vitest';
import { iso9660Image } from '../../core/provisioning/iso9660-writer';

const SECTOR = 2048;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A minimal reader for what the writer produces: volume descriptors and the root directory. */
function readIso(img: Uint8Array, joliet: boolean): { label: string; files: Map<string, string> } {
  const view = new DataView(img.buffer, img.byteOffset);
  const vd = (joliet ? 17 : 16) * SECTOR;
  expect(img[vd]).toBe(joliet ? 2 : 1);
  expect(new TextDecoder().decode(img.subarray(vd + 1, vd + 6))).toBe('CD001');
  const decode = (b: Uint8Array): string =>
    joliet
      ? String.fromCharCode(
          ...Array.from({ length: b.length / 2 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!),
        )
      : new TextDecoder().decode(b);
  const label = decode(img.subarray(vd + 40, vd + 72)).trimEnd();
  expect(view.getUint32(vd + 80, true)).toBe(img.length / SECTOR);
  expect(view.getUint32(vd + 84, false)).toBe(img.length / SECTOR);
  const rootExtent = view.getUint32(vd + 156 + 2, true);
  const files = new Map<string, string>();
  let off = rootExtent * SECTOR;
  for (;;) {
    const len = img[off]!;
    if (len === 0) break;
    const idLen = img[off + 32]!;
    const id = img.subarray(off + 33, off + 33 + idLen);
    const isDir = (img[off + 25]! & 2) !== 0;
    if (!isDir) {
      const extent = view.getUint32(off + 2, true);
      const size = view.getUint32(off + 10, true);
      expect(view.getUint32(off + 6, false)).toBe(extent);
      files.set(
        decode(id),
        new TextDecoder().decode(img.subarray(extent * SECTOR, extent * SECTOR + size)),
      );
    }
    off += len;
  }
  return { label, files };
}

describe('iso9660Image', () => {
  const files = [
    { name: 'user-data', data: text('#cloud-config\nhostname: "n1"\n') },
    { name: 'meta-data', data: text('instance-id: "i-1"\n') },
    { name: 'network-config', data: text('x'.repeat(5000)) },
  ];

  it('labels the volume and carries the real names in the Joliet tree', () => {
    const img = iso9660Image({ volumeId: 'cidata', files });
    expect(img.length % SECTOR).toBe(0);
    const { label, files: read } = readIso(img, true);
    expect(label).toBe('cidata');
    expect([...read.keys()]).toEqual(['meta-data', 'network-config', 'user-data']);
    expect(read.get('user-data')).toBe('#cloud-config\nhostname: "n1"\n');
    expect(read.get('network-config')).toHaveLength(5000);
  });

  it('has ISO level-2 names in the primary tree for readers without Joliet', () => {
    const { label, files: read } = readIso(iso9660Image({ volumeId: 'cidata', files }), false);
    expect(label).toBe('cidata');
    expect([...read.keys()]).toEqual(['META_DATA.;1', 'NETWORK_CONFIG.;1', 'USER_DATA.;1']);
    expect(read.get('META_DATA.;1')).toBe('instance-id: "i-1"\n');
  });

  it('is deterministic', () => {
    expect(iso9660Image({ volumeId: 'cidata', files })).toEqual(
      iso9660Image({ volumeId: 'cidata', files }),
    );
  });

  it('refuses names and labels it cannot represent', () => {
    expect(() => iso9660Image({ volumeId: 'cidata', files: [] })).toThrow(/no files/);
    expect(() => iso9660Image({ volumeId: 'ci data', files })).toThrow(/volume id/);
    expect(() =>
      iso9660Image({ volumeId: 'cidata', files: [{ name: '../x', data: text('') }] }),
    ).toThrow(/file name/);
    expect(() => iso9660Image({ volumeId: 'cidata', files: [...files, files[0]!] })).toThrow(
      /duplicate/,
    );
  });
});
