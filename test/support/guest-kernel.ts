import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Where test guests' artefacts are cached, outside the repository (measured: build once per machine). */
export const GUEST_CACHE_DIR = process.env.CORRAL_CACHE_DIR ?? '/var/cache/corral';

export interface GuestKernel {
  /** The kernel image to hand to QEMU as <kernel>. */
  vmlinuz: string;
  /** The kernel's release, e.g. 6.1.0-42-amd64. */
  release: string;
  /** /lib/modules/<release> of the extracted package, for initramfs builders that need drivers. */
  modulesDir: string;
}

/**
 * Debian's current 6.1 kernel, extracted from its package rather than installed: `dpkg-deb -x`
 * takes seconds where an install spends ~47 s regenerating initramfs (measured).
 */
export function guestKernel(cacheDir: string = GUEST_CACHE_DIR): GuestKernel {
  const root = join(cacheDir, 'kernel');
  const found = findExtracted(root);
  if (found) return found;
  const pkg = currentKernelPackage();
  const work = join(cacheDir, `kernel.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('apt-get', ['download', pkg], { cwd: work, stdio: 'pipe' });
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb in ${work}`);
  execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'root')], { stdio: 'pipe' });
  rmSync(root, { recursive: true, force: true });
  renameSync(join(work, 'root'), root);
  rmSync(work, { recursive: true, force: true });
  const extracted = findExtracted(root);
  if (!extracted) throw new Error(`no vmlinuz found after extracting ${pkg}`);
  return extracted;
}

function currentKernelPackage(): string {
  const out = execFileSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' });
  const match = /Depends: (linux-image-[0-9.]+-\d+-amd64)\b/.exec(out);
  if (!match?.[1]) {
    throw new Error('cannot resolve linux-image-amd64 to a kernel package (run apt-get update?)');
  }
  return match[1];
}

function findExtracted(root: string): GuestKernel | undefined {
  const boot = join(root, 'boot');
  if (!existsSync(boot)) return undefined;
  const image = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  if (!image) return undefined;
  const release = image.slice('vmlinuz-'.length);
  return { vmlinuz: join(boot, image), release, modulesDir: join(root, 'lib', 'modules', release) };
}
