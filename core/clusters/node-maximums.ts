/** What a host offers a node: its CPUs and memory (from the inventory's host facts). */
export interface HostSize {
  cpus: number;
  memoryKiB: number;
}

/** The sizes a node is defined with, and the ceilings it may grow to while it runs. */
export interface NodeSizes {
  memoryMiB: number;
  vcpus: number;
  maxMemoryMiB?: number;
  maxVcpus?: number;
}

/**
 * The ceilings a node is defined with. libvirt cannot raise a running domain's maximum memory or
 * vCPUs, so headroom is set at definition: by default twice the node's size, since a resize
 * seldom more than doubles a node and every MiB of ceiling costs the guest kernel page tables.
 * Both are capped by the host (a ceiling the host cannot back is one no live resize could reach),
 * and never below the size itself. Without host facts the defaults are twice the size, uncapped.
 */
export function nodeMaximums(
  spec: NodeSizes,
  host: HostSize | undefined,
): { maxMemoryMiB: number; maxVcpus: number } {
  const hostMiB = host && host.memoryKiB > 0 ? Math.floor(host.memoryKiB / 1024) : Infinity;
  const hostCpus = host && host.cpus > 0 ? host.cpus : Infinity;
  const memory = Math.min(spec.maxMemoryMiB ?? 2 * spec.memoryMiB, hostMiB);
  const vcpus = Math.min(spec.maxVcpus ?? 2 * spec.vcpus, hostCpus);
  return {
    maxMemoryMiB: Math.max(memory, spec.memoryMiB),
    maxVcpus: Math.max(vcpus, spec.vcpus),
  };
}
