import { copyFileSync, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { companionNames } from '../../core/images/base-images';
import { sleep } from './exec';
import { inHost } from './host-daemons';
import type { CloudImage } from './cloud-image-builder';
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

/** Puts the cached guest image, kernel and initrd into a host's default pool, idempotently. */
export async function registerBaseImage(host: LabHost, image: GuestImage): Promise<void> {
  const companions = companionNames(LAB_BASE_VOLUME);
  await linkIntoDefaultPool(host, [
    [image.base, LAB_BASE_VOLUME],
    [image.kernel, companions.kernel],
    [image.initrd, companions.initrd],
  ]);
}

/**
 * The cloud-init lab image's name in every lab host's "default" pool: a partitioned disk with
 * its own boot loader and no companion volumes, so Corral boots it as a `disk` image, the way
 * users' cloud images boot.
 */
export const LAB_CLOUD_VOLUME = 'corral-lab-cloud.qcow2';

/** Puts the cached cloud-init image into a host's default pool, idempotently. */
export async function registerCloudImage(host: LabHost, image: CloudImage): Promise<void> {
  await linkIntoDefaultPool(host, [[image.base, LAB_CLOUD_VOLUME]]);
}

/**
 * Puts files (source path, volume name) into a host's default pool, idempotently, and refreshes
 * the pool when one changed. Hard links (the cache and the lab share a file system): no copy of
 * hundreds of MiB per host, and guests only ever read a base. Falls back to a copy.
 */
export async function linkIntoDefaultPool(
  host: LabHost,
  files: ReadonlyArray<[string, string]>,
): Promise<void> {
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
