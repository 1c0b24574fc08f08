import type { BaseImage } from '../../api/images-api';
import type { VolumeFacts } from './volume-xml';

/** Companion volumes of a direct-kernel-boot image: `<image>.kernel`, `<image>.initrd`. */
export const KERNEL_SUFFIX = '.kernel';
export const INITRD_SUFFIX = '.initrd';
/** Corral's NoCloud seeds are `<cluster>-<index>-seed.iso`: never a base image. */
export const SEED_SUFFIX = '-seed.iso';
/** Formats a linked clone can be backed by. */
const BASE_FORMATS = new Set(['qcow2', 'raw']);

/** The companion volume names of base image `image`. */
export function companionNames(image: string): { kernel: string; initrd: string } {
  return { kernel: `${image}${KERNEL_SUFFIX}`, initrd: `${image}${INITRD_SUFFIX}` };
}

/** True for volumes that are never listed as base images themselves. */
export function isCompanionOrSeed(name: string): boolean {
  return name.endsWith(KERNEL_SUFFIX) || name.endsWith(INITRD_SUFFIX) || name.endsWith(SEED_SUFFIX);
}

/**
 * The base image candidates among one pool's volumes: qcow2 or raw, not a linked clone (a volume
 * with a backing store is some VM's overlay), not a seed or a kernel/initrd companion. Being a
 * candidate is not enough to back a cluster: `marked` says whether the administrator chose it. An image whose
 * two companions are both present boots `kernel` with their paths; otherwise from its own disk.
 */
export function baseImagesOfPool(
  hostId: string,
  pool: string,
  volumes: readonly VolumeFacts[],
  isMarked: (name: string) => boolean,
): BaseImage[] {
  const byName = new Map(volumes.map((v) => [v.name, v]));
  return volumes
    .filter((v) => BASE_FORMATS.has(v.format) && !v.backingPath && !isCompanionOrSeed(v.name))
    .map((v) => {
      const names = companionNames(v.name);
      const kernel = byName.get(names.kernel);
      const initrd = byName.get(names.initrd);
      return {
        hostId,
        pool,
        name: v.name,
        path: v.path,
        format: v.format,
        capacityBytes: v.capacityBytes,
        allocationBytes: v.allocationBytes,
        boot:
          kernel && initrd
            ? { kind: 'kernel' as const, kernelPath: kernel.path, initrdPath: initrd.path }
            : { kind: 'disk' as const },
        marked: isMarked(v.name),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
