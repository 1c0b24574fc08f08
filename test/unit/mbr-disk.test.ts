import { describe, expect, it } from 'vitest';
import { masterBootRecord } from '../lab/mbr-disk';

describe('masterBootRecord', () => {
  const bootCode = Buffer.alloc(512, 0xab);

  it('keeps 440 bytes of boot code, then signature, one active Linux partition and 0x55AA', () => {
    const mbr = masterBootRecord(bootCode, { startSector: 2048, sectors: 4_192_256 }, 0x12345678);
    expect(mbr.length).toBe(512);
    expect(mbr.subarray(0, 440).every((b) => b === 0xab)).toBe(true);
    expect(mbr.readUInt32LE(440)).toBe(0x12345678);
    expect(mbr.readUInt16LE(444)).toBe(0);
    expect(mbr[446]).toBe(0x80);
    expect(mbr[450]).toBe(0x83);
    expect(mbr.readUInt32LE(454)).toBe(2048);
    expect(mbr.readUInt32LE(458)).toBe(4_192_256);
    // The other three entries stay empty, so growpart sees partition 1 as the last one.
    expect(mbr.subarray(462, 510).every((b) => b === 0)).toBe(true);
    expect([mbr[510], mbr[511]]).toEqual([0x55, 0xaa]);
  });

  it('refuses short boot code and partitions MBR cannot describe', () => {
    expect(() => masterBootRecord(Buffer.alloc(100), { startSector: 1, sectors: 1 }, 1)).toThrow(
      /440/,
    );
    expect(() => masterBootRecord(bootCode, { startSector: 0, sectors: 1 }, 1)).toThrow(/start/);
    expect(() => masterBootRecord(bootCode, { startSector: 2048, sectors: 1.5 }, 1)).toThrow();
    expect(() => masterBootRecord(bootCode, { startSector: 2048, sectors: 0xffffffff }, 1)).toThrow(
      /2 TiB/,
    );
  });
});
