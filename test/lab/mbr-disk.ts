/**
 * The first sector of a BIOS-bootable disk with one partition, written without fdisk or a loop
 * device: boot code (GRUB's boot.img), a disk signature, one active Linux partition and the
 * 0x55AA mark. Cloud images are laid out this way, and growpart later moves the partition's end.
 */

const SECTOR = 512;
/** Bytes of boot code before the disk signature (the rest of boot.img holds its own table). */
const BOOT_CODE_BYTES = 440;
const LINUX_PARTITION = 0x83;
/** CHS "beyond 1024 cylinders": BIOSes and boot loaders use the LBA fields. */
const CHS_LBA_ONLY = [0xfe, 0xff, 0xff];

/** One primary partition in sectors of 512 bytes. */
export interface MbrPartition {
  startSector: number;
  sectors: number;
}

/** Builds the 512-byte master boot record for `bootCode` and one active Linux partition. */
export function masterBootRecord(
  bootCode: Uint8Array,
  partition: MbrPartition,
  diskSignature: number,
): Buffer {
  if (bootCode.length < BOOT_CODE_BYTES) {
    throw new Error(`boot code is ${bootCode.length} bytes; ${BOOT_CODE_BYTES} are needed`);
  }
  const { startSector, sectors } = partition;
  for (const [what, v] of [
    ['start sector', startSector],
    ['sector count', sectors],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) throw new Error(`bad ${what}: ${v}`);
  }
  if (startSector + sectors > 0x100000000) throw new Error('the partition ends beyond 2 TiB');
  const mbr = Buffer.alloc(SECTOR);
  Buffer.from(bootCode.subarray(0, BOOT_CODE_BYTES)).copy(mbr, 0);
  mbr.writeUInt32LE(diskSignature >>> 0, 440);
  const entry = 446;
  mbr[entry] = 0x80; // active: the one the BIOS-era boot code would pick
  mbr.set(CHS_LBA_ONLY, entry + 1);
  mbr[entry + 4] = LINUX_PARTITION;
  mbr.set(CHS_LBA_ONLY, entry + 5);
  mbr.writeUInt32LE(startSector, entry + 8);
  mbr.writeUInt32LE(sectors, entry + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}
