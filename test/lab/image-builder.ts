import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  readdirSync,
  unlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { kernelCmdline } from '../../core/images/image-boot';
import { guestKernel, GUEST_CACHE_DIR } from '../support/guest-kernel';
import { debianMirror } from './debian-mirror';
import { run } from './exec';
import { GUEST_FILES } from './guest-files';
import { buildInitramfs, INITRAMFS_INIT, INITRAMFS_MODULES } from './initramfs';
import { readLabState } from './state';

/** Bump when the recipe changes in a way the hash below cannot see. */
const RECIPE_VERSION = 1;

/** measured: `automake` is required or libopenmpi-dev stays unconfigured. */
const PACKAGES = [
  'openssh-server',
  'openmpi-bin',
  'libopenmpi-dev',
  'automake',
  'gcc',
  'libc6-dev',
  'busybox',
  'iproute2',
  'kmod',
  'netbase',
  'procps',
  'util-linux',
  'qemu-guest-agent',
  // resize2fs: a node's root file system grows online when its disk is resized.
  'e2fsprogs',
  // MPI programs dropped on a cluster: Makefiles, C++ (mpicxx) and Fortran (mpifort).
  'make',
  'g++',
  'gfortran',
];

/** A built guest image: everything a domain definition needs. */
export interface GuestImage {
  /** Compressed qcow2 base; guests are overlays on it (linked clones), never written. */
  base: string;
  kernel: string;
  initrd: string;
  /** Kernel command line for the image. */
  cmdline: string;
  /** Cache key of the recipe that built it. */
  key: string;
}

/** The cache key: a changed package list, guest file, kernel or recipe version rebuilds. */
export function recipeKey(kernelRelease: string): string {
  const h = createHash('sha256');
  // Data only (never function source text, which differs between tsx and Vitest transforms).
  h.update(
    JSON.stringify({
      RECIPE_VERSION,
      PACKAGES,
      GUEST_FILES,
      kernelRelease,
      INITRAMFS_INIT,
      INITRAMFS_MODULES,
    }),
  );
  return h.digest('hex').slice(0, 12);
}

/** Returns the cached image for the current recipe, or undefined when it must be built. */
export function cachedGuestImage(cacheDir = GUEST_CACHE_DIR): GuestImage | undefined {
  const kernel = guestKernel(cacheDir);
  const key = recipeKey(kernel.release);
  const dir = join(cacheDir, `guest-image-${key}`);
  return existsSync(join(dir, 'ok')) ? describe(dir, kernel.vmlinuz, key) : undefined;
}

/**
 * Builds (once per recipe) the lab's guest image under the cache dir: Debian minbase with sshd and
 * OpenMPI via debootstrap, our first-boot files, an ext4 filesystem made with `mke2fs -d` (no loop
 * mounts), compressed to a qcow2 base, plus a small initramfs. Builds in a temp dir and renames,
 * so an interrupted build never looks finished.
 */
export async function ensureGuestImage(
  log: (line: string) => void = () => {},
  cacheDir = GUEST_CACHE_DIR,
): Promise<GuestImage> {
  const cached = cachedGuestImage(cacheDir);
  if (cached) return cached;
  const kernel = guestKernel(cacheDir);
  const key = recipeKey(kernel.release);
  const dir = join(cacheDir, `guest-image-${key}`);
  const work = join(cacheDir, `guest-image-${key}.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const rootfs = join(work, 'rootfs');
    const mirror = debianMirror();
    log(`image: debootstrap bookworm from ${mirror} (about a minute)`);
    await run(
      'debootstrap',
      ['--variant=minbase', `--include=${PACKAGES.join(',')}`, 'bookworm', rootfs, mirror],
      {
        timeoutMs: 1_200_000,
      },
    );
    customise(rootfs);
    log('image: ext4 + qcow2');
    const raw = join(work, 'root.raw');
    await run('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', 'corral-root', '-d', rootfs, raw, '2G']);
    await run('qemu-img', [
      'convert',
      '-c',
      '-f',
      'raw',
      '-O',
      'qcow2',
      raw,
      join(work, 'base.qcow2'),
    ]);
    rmSync(raw);
    rmSync(rootfs, { recursive: true, force: true });
    writeFileSync(join(work, 'initrd.img'), buildInitramfs(kernel.modulesDir));
    writeFileSync(join(work, 'ok'), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  // Old recipes' images are dead weight (~200 MiB each), except the one the running lab uses:
  // worktrees on different recipes share the lab, and removing it would make each of them
  // rebuild (and break guests being booted from it).
  const inUse = readLabState()?.image.key;
  for (const e of readdirSync(cacheDir)) {
    if (
      e.startsWith('guest-image-') &&
      e !== `guest-image-${key}` &&
      e !== `guest-image-${inUse}` &&
      !e.includes('.tmp-')
    ) {
      rmSync(join(cacheDir, e), { recursive: true, force: true });
    }
  }
  return describe(dir, kernel.vmlinuz, key);
}

function describe(dir: string, kernel: string, key: string): GuestImage {
  return {
    base: join(dir, 'base.qcow2'),
    kernel,
    initrd: join(dir, 'initrd.img'),
    // One definition for the lab and Corral's clusters (core/images/image-boot.ts).
    cmdline: kernelCmdline(),
    key,
  };
}

/** Adds the first-boot files and removes what must differ per guest (host keys, machine id). */
function customise(rootfs: string): void {
  for (const [path, file] of Object.entries(GUEST_FILES)) {
    const target = join(rootfs, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    chmodSync(target, file.mode);
  }
  for (const f of readdirSync(join(rootfs, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) unlinkSync(join(rootfs, 'etc/ssh', f));
  }
  writeFileSync(join(rootfs, 'etc/machine-id'), '');
  rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
  for (const f of readdirSync(join(rootfs, 'var/lib/apt/lists'))) {
    if (f !== 'partial' && f !== 'lock')
      rmSync(join(rootfs, 'var/lib/apt/lists', f), { force: true });
  }
  // The root account must exist without a usable password (keys only) — debootstrap leaves it so.
  const shadow = readFileSync(join(rootfs, 'etc/shadow'), 'utf8');
  if (!/^root:[*!]/m.test(shadow))
    throw new Error('image: root has a password in the debootstrap tree');
}
