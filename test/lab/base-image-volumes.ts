import { copyFileSync, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { companionNames } from '../../core/images/base-images';
import { sleep } from './exec';
import { inHost } from './host-daemons';
import type { GuestImage } from './image-builder';
import type { LabHost } from './state';

/**
 * The lab image's name as a base image in every lab host's "default" pool (issue 6): Corral lists
 * it, and clusters are made of linked clones of it. Its kernel and initrd are the companion
 * volumes `<name>.kernel` / `<name>.initrd` that make it a direct-kernel-boot image.
 */
export const LAB_BASE_VOLUME = 'corral-lab-debian.qcow2';

/** The host's /var/lib/libvirt/images (its "default" pool) as seen from this machine. */
const poolDir = (host: LabHost) => join(host.dir, 'var-lib-libvirt', 'images');

/**
 * Puts the cached guest image, kernel and initrd into a host's default pool, idempotently. Hard
 * links (the cache and the lab share a file system): no copy of ~200 MiB per host, and guests
 * only ever read the base. Falls back to a copy across file systems.
 */
export async function registerBaseImage(host: LabHost, image: GuestImage): Promise<void> {
  const companions = companionNames(LAB_BASE_VOLUME);
  const files: Array<[string, string]> = [
    [image.base, LAB_BASE_VOLUME],
    [image.kernel, companions.kernel],
    [image.initrd, companions.initrd],
  ];
  let changed = false;
  for (const [source, volume] of files) {
    const target = join(poolDir(host), volume);
    if (existsSync(target) && sameFile(source, target)) continue;
    rmSync(target, { force: true });
    try {
      linkSync(source, target);
    } catch {
      copyFileSync(source, target);
    }
    changed = true;
  }
  if (changed) await refreshDefaultPool(host);
}

function sameFile(a: string, b: string): boolean {
  const [sa, sb] = [statSync(a), statSync(b)];
  return (sa.ino === sb.ino && sa.dev === sb.dev) || sa.size === sb.size;
}

/** libvirt sees new files in a dir pool only after a refresh (refused while an upload runs). */
async function refreshDefaultPool(host: LabHost): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await inHost(host.anchorPid, 'virsh', [
        '-q',
        '-c',
        'qemu:///system',
        'pool-refresh',
        'default',
      ]);
      return;
    } catch (err) {
      last = err;
      await sleep(250);
    }
  }
  throw new Error(`lab: cannot refresh the default pool of ${host.name}: ${String(last)}`);
}
