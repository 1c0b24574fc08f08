import type { HostFacts, Vm } from '../../../api/inventory-api';

/** A VM with plausible defaults, for pure tests. */
export function vm(hostId: string, n: number, over: Partial<Vm> = {}): Vm {
  return {
    hostId,
    uuid: `00000000-0000-0000-0000-${n.toString(16).padStart(12, '0')}`,
    name: `vm-${n}`,
    state: 'shut-off',
    stale: false,
    vcpus: 1,
    memoryKiB: 131072,
    maxMemoryKiB: 131072,
    disks: [],
    nics: [],
    ...over,
  };
}

/** Host facts with plausible defaults. */
export function host(hostId: string, over: Partial<HostFacts> = {}): HostFacts {
  return {
    hostId,
    hostname: `${hostId}.lab`,
    cpus: 2,
    memoryKiB: 4 << 20,
    freeMemoryKiB: 2 << 20,
    cpuPercent: 10,
    libvirtVersion: '9.0.0',
    stale: false,
    updatedAt: '2026-11-24T14:05:00.000Z',
    ...over,
  };
}
