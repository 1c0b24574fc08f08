import { createHash, randomInt } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { GUEST_CACHE_DIR } from '../support/guest-kernel';
import { CLOUD_IMAGE_FILES, CLOUD_ROOT_LABEL } from './cloud-image-files';
import { debianMirror } from './debian-mirror';
import { run } from './exec';
import { masterBootRecord } from './mbr-disk';

/** Bump when the recipe changes in a way the hash below cannot see. */
const RECIPE_VERSION = 1;

/**
 * What Debian's cloud images boot with, minus what a lab node never uses: systemd, the real
 * cloud-init (growpart from cloud-guest-utils, which needs sfdisk from fdisk), ifupdown for the
 * network configuration cloud-init renders, sshd, OpenMPI's runtime, the cloud kernel (its
 * initramfs is made by Debian's initramfs-tools while debootstrap installs it) and GRUB's BIOS
 * modules for the boot loader in the disk's first megabyte.
 */
const PACKAGES = [
  'systemd-sysv',
  'udev',
  'dbus',
  'cloud-init',
  // debootstrap does not resolve virtual packages: python3-cryptography (cloud-init's) needs the
  // cffi backend's API, which only this package provides.
  'python3-cffi-backend',
  'cloud-guest-utils',
  'fdisk',
  'e2fsprogs',
  'ifupdown',
  'iproute2',
  'netbase',
  'openssh-server',
  'sudo',
  'openmpi-bin',
  'procps',
  'kmod',
  'qemu-guest-agent',
  'linux-image-cloud-amd64',
  'grub-pc-bin',
];

/** GRUB modules built into core.img: enough to read grub.cfg from the ext4 partition. */
const GRUB_CORE_MODULES = [
  'biosdisk',
  'part_msdos',
  'ext2',
  'search',
  'search_label',
  'normal',
  'configfile',
  'linux',
  'echo',
  'test',
  'serial',
  'terminal',
];

/** The base image's size: what a node gets before growpart stretches it to its own disk. */
export const CLOUD_IMAGE_DISK_BYTES = 2 * 1024 ** 3;
/** Where the root partition starts (1 MiB, as partitioning tools align it). */
const PARTITION_START_SECTOR = 2048;

/** A built disk image: a partitioned qcow2 with its boot loader, booted as a `disk` image. */
export interface CloudImage {
  base: string;
  /** Cache key of the recipe that built it. */
  key: string;
}

/** The cache key: a changed package list, file or recipe version rebuilds. */
export function cloudRecipeKey(): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      RECIPE_VERSION,
      PACKAGES,
      GRUB_CORE_MODULES,
      CLOUD_IMAGE_FILES,
      CLOUD_IMAGE_DISK_BYTES,
      PARTITION_START_SECTOR,
    }),
  );
  return h.digest('hex').slice(0, 12);
}

const imageDir = (cacheDir: string, key: string) => join(cacheDir, `cloud-image-${key}`);

/** The cached image for the current recipe, or undefined when it must be built. */
export function cachedCloudImage(cacheDir = GUEST_CACHE_DIR): CloudImage | undefined {
  const key = cloudRecipeKey();
  const dir = imageDir(cacheDir, key);
  return existsSync(join(dir, 'ok')) ? { base: join(dir, 'base.qcow2'), key } : undefined;
}

/**
 * Builds (once per recipe) the cloud-init lab image: debootstrap, Debian's GRUB core image made
 * in the tree (no grub-install: the disk is a file, not a device), an ext4 root written straight
 * into the partition's place with `mke2fs -E offset -d` (no loop device), the MBR in front, then a
 * compressed qcow2. Built in a temp dir and renamed, so an interrupted build never looks done.
 */
export async function ensureCloudImage(
  log: (line: string) => void = () => {},
  cacheDir = GUEST_CACHE_DIR,
): Promise<CloudImage> {
  const cached = cachedCloudImage(cacheDir);
  if (cached) return cached;
  const key = cloudRecipeKey();
  const dir = imageDir(cacheDir, key);
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const rootfs = join(work, 'rootfs');
    const mirror = debianMirror();
    log(`cloud image: debootstrap bookworm with systemd and cloud-init from ${mirror}`);
    // Downloaded packages are kept beside the image: a recipe change rebuilds without them.
    const debs = join(cacheDir, 'cloud-image-debs');
    mkdirSync(debs, { recursive: true });
    await run(
      'debootstrap',
      [
        '--variant=minbase',
        `--cache-dir=${debs}`,
        `--include=${PACKAGES.join(',')}`,
        'bookworm',
        rootfs,
        mirror,
      ],
      { timeoutMs: 1_800_000 },
    ).catch((err: unknown) => {
      // The reason is in the tree's log, which the cleanup below removes.
      const logFile = join(rootfs, 'debootstrap/debootstrap.log');
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
      throw new Error(`${String(err)}\n${tail}`, { cause: err });
    });
    customise(rootfs);
    log('cloud image: GRUB core image');
    const coreImg = await grubCoreImage(rootfs);
    const bootImg = readFileSync(join(rootfs, 'usr/lib/grub/i386-pc/boot.img'));
    cleanTree(rootfs);
    log('cloud image: partitioned disk + qcow2');
    const raw = join(work, 'disk.raw');
    await partitionedDisk(raw, rootfs, bootImg, coreImg);
    await run(
      'qemu-img',
      ['convert', '-c', '-f', 'raw', '-O', 'qcow2', raw, join(work, 'base.qcow2')],
      {
        timeoutMs: 900_000,
      },
    );
    rmSync(raw);
    rmSync(rootfs, { recursive: true, force: true });
    writeFileSync(join(work, 'ok'), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  // Older recipes of this image only (the fast lab image has its own names and cleanup).
  for (const e of readdirSync(cacheDir)) {
    if (/^cloud-image-[0-9a-f]{12}$/.test(e) && e !== `cloud-image-${key}`) {
      rmSync(join(cacheDir, e), { recursive: true, force: true });
    }
  }
  return { base: join(dir, 'base.qcow2'), key };
}

/** Adds the recipe's files, GRUB's modules beside grub.cfg, and per-machine state removed. */
function customise(rootfs: string): void {
  for (const [path, file] of Object.entries(CLOUD_IMAGE_FILES)) {
    const target = join(rootfs, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    chmodSync(target, file.mode);
  }
  // normal.mod loads further modules and lists from the prefix directory at boot.
  cpSync(join(rootfs, 'usr/lib/grub/i386-pc'), join(rootfs, 'boot/grub/i386-pc'), {
    recursive: true,
  });
  for (const link of ['vmlinuz', 'initrd.img']) {
    if (!existsSync(join(rootfs, link))) throw new Error(`cloud image: no /${link} in the tree`);
  }
  const shadow = readFileSync(join(rootfs, 'etc/shadow'), 'utf8');
  if (!/^root:[*!]/m.test(shadow)) {
    throw new Error('cloud image: root has a password in the debootstrap tree');
  }
}

/** Host keys, machine id and apt's caches must not be shared by every node made from the image. */
function cleanTree(rootfs: string): void {
  for (const f of readdirSync(join(rootfs, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) unlinkSync(join(rootfs, 'etc/ssh', f));
  }
  writeFileSync(join(rootfs, 'etc/machine-id'), '');
  rmSync(join(rootfs, 'var/lib/dbus/machine-id'), { force: true });
  rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
  for (const f of readdirSync(join(rootfs, 'var/lib/apt/lists'))) {
    if (f !== 'partial' && f !== 'lock') {
      rmSync(join(rootfs, 'var/lib/apt/lists', f), { force: true });
    }
  }
  rmSync(join(rootfs, 'var/lib/cloud'), { recursive: true, force: true });
}

/** GRUB's core.img for a BIOS boot from the first partition, made by the tree's own grub-mkimage. */
async function grubCoreImage(rootfs: string): Promise<Buffer> {
  const inTree = '/boot/grub/i386-pc/corral-core.img';
  await run('chroot', [
    rootfs,
    'grub-mkimage',
    '-O',
    'i386-pc',
    '-o',
    inTree,
    '-p',
    '(hd0,msdos1)/boot/grub',
    ...GRUB_CORE_MODULES,
  ]);
  const core = readFileSync(join(rootfs, inTree));
  rmSync(join(rootfs, inTree));
  // core.img lives in the gap before the partition; boot.img loads it from sector 1 and its first
  // sector loads the rest from sector 2 on (GRUB's defaults when grub-setup patches nothing).
  if (core.length > (PARTITION_START_SECTOR - 1) * 512) {
    throw new Error(`cloud image: GRUB core image is ${core.length} bytes, too big for the gap`);
  }
  return core;
}

/** The raw disk: MBR + core.img in the first MiB, the ext4 root filling the rest. */
async function partitionedDisk(
  raw: string,
  rootfs: string,
  bootImg: Buffer,
  coreImg: Buffer,
): Promise<void> {
  writeFileSync(raw, '');
  truncateSync(raw, CLOUD_IMAGE_DISK_BYTES);
  const startBytes = PARTITION_START_SECTOR * 512;
  const sectors = CLOUD_IMAGE_DISK_BYTES / 512 - PARTITION_START_SECTOR;
  await run(
    'mke2fs',
    [
      '-q',
      '-F',
      '-t',
      'ext4',
      '-L',
      CLOUD_ROOT_LABEL,
      '-E',
      `offset=${startBytes}`,
      '-d',
      rootfs,
      raw,
      `${(sectors * 512) / 1024}k`,
    ],
    { timeoutMs: 900_000 },
  );
  const mbr = masterBootRecord(
    bootImg,
    { startSector: PARTITION_START_SECTOR, sectors },
    randomInt(1, 0xffffffff),
  );
  const fd = openSync(raw, 'r+');
  try {
    writeSync(fd, mbr, 0, mbr.length, 0);
    writeSync(fd, coreImg, 0, coreImg.length, 512);
  } finally {
    closeSync(fd);
  }
}
