/** What placement knows about a host: live facts from the inventory. */
export interface HostCapacity {
  hostId: string;
  name: string;
  online: boolean;
  cpus: number;
  memoryKiB: number;
  freeMemoryKiB: number;
  /** Host CPU use, 0-100, over the last stats interval. */
  cpuPercent: number;
}

/** The size of one new node. */
export interface NodeShape {
  vcpus: number;
  memoryKiB: number;
}

export type PlacementAlgorithm =
  | { kind: 'round-robin' }
  | { kind: 'first-fit' }
  /** Skips hosts above either limit, and never fills a host past the memory limit. */
  | { kind: 'threshold'; maxCpuPercent: number; maxMemoryPercent: number };

export interface HostProjection {
  hostId: string;
  name: string;
  freeMemoryKiBBefore: number;
  freeMemoryKiBAfter: number;
  memoryPercentBefore: number;
  memoryPercentAfter: number;
  cpuPercent: number;
  nodes: number;
}

export interface PlacementPlan {
  /** Host of each new node, in node order. */
  hostIds: string[];
  /** Every candidate host's capacity before and after, for the preview. */
  hosts: HostProjection[];
}

/** Memory each host keeps for itself (its OS, libvirtd, QEMU overhead per guest). */
export const HOST_RESERVE_KIB = 256 * 1024;
export const PER_GUEST_OVERHEAD_KIB = 64 * 1024;
