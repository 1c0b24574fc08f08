import { HOST_RESERVE_KIB, PER_GUEST_OVERHEAD_KIB, type NodeShape } from './placement-types';

/**
 * Capacity rules shared by placing new nodes and balancing running ones, so a VM the balancer
 * moves onto a host is one placement would also have put there.
 */

/** Share of `totalKiB` in use when `freeKiB` is left, 0-100; a host reporting no memory is full. */
export function usedPercent(totalKiB: number, freeKiB: number): number {
  return totalKiB > 0 ? ((totalKiB - freeKiB) / totalKiB) * 100 : 100;
}

/** Free memory left on a host after a guest of `memoryKiB` starts there (QEMU's overhead included). */
export function freeAfterGuest(freeKiB: number, memoryKiB: number): number {
  return freeKiB - memoryKiB - PER_GUEST_OVERHEAD_KIB;
}

/** Free memory a host gets back when a guest of `memoryKiB` leaves it. */
export function freeAfterLeaving(freeKiB: number, memoryKiB: number): number {
  return freeKiB + memoryKiB + PER_GUEST_OVERHEAD_KIB;
}

/** What fitting a guest needs to know of a host. */
export interface FitHost {
  cpus: number;
  memoryKiB: number;
}

/**
 * Whether a guest of `shape` fits a host with `freeKiB` free: no wider than the host's CPUs, the
 * host's own reserve kept, and (when given) memory use kept within `maxMemoryPercent`.
 */
export function fitsGuest(
  host: FitHost,
  freeKiB: number,
  shape: NodeShape,
  maxMemoryPercent?: number,
): boolean {
  if (shape.vcpus > host.cpus) return false;
  const after = freeAfterGuest(freeKiB, shape.memoryKiB);
  if (after < HOST_RESERVE_KIB) return false;
  return maxMemoryPercent === undefined || usedPercent(host.memoryKiB, after) <= maxMemoryPercent;
}

/** Whether a host's load is within both limits (percentages, 0-100). */
export function withinLoad(
  load: { cpuPercent: number; memoryPercent: number },
  maxCpuPercent: number,
  maxMemoryPercent: number,
): boolean {
  return load.cpuPercent <= maxCpuPercent && load.memoryPercent <= maxMemoryPercent;
}
