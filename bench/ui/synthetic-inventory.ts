import type { Disposable } from '../../api/disposable';
import type { HostFacts, InventoryDelta, Vm } from '../../api/inventory-api';
import type { InventoryViewer } from '../../core/inventory/inventory-service';

/**
 * The inventory service's data source replaced by a generated one: `hosts` x `vmsPerHost` VMs
 * whose stats all change every `statsMs`, as the real service's bulk-stats poll does. Answers
 * with the same shapes and the same viewer filtering as InventoryService, so the real
 * dispatcher, transport and renderer do all their usual work.
 */
export class SyntheticInventory implements Disposable {
  private readonly hostFacts: HostFacts[] = [];
  private readonly vms: Vm[] = [];
  private readonly listeners = new Set<(d: InventoryDelta) => void>();
  private readonly timer: NodeJS.Timeout;
  private tick = 0;
  /** Deltas sent (one per stats period). */
  updates = 0;

  constructor(hosts: number, vmsPerHost: number, statsMs: number) {
    const now = new Date().toISOString();
    for (let h = 0; h < hosts; h++) {
      const hostId = `bench-${String(h).padStart(2, '0')}`;
      this.hostFacts.push({
        hostId,
        hostname: `node${String(h).padStart(2, '0')}.bench`,
        cpus: 64,
        memoryKiB: 256 << 20,
        freeMemoryKiB: 128 << 20,
        cpuPercent: 20,
        libvirtVersion: '9.0.0',
        stale: false,
        updatedAt: now,
      });
      for (let i = 0; i < vmsPerHost; i++) this.vms.push(benchVm(h, hostId, i));
    }
    this.timer = setInterval(() => this.emitStats(), statsMs);
  }

  snapshot(viewer: InventoryViewer): { hosts: HostFacts[]; vms: Vm[] } {
    if (!viewer.signedIn()) return { hosts: [], vms: [] };
    return {
      hosts: this.hostFacts,
      vms: this.vms.filter((v) => viewer.canSee(v.membership?.owner)),
    };
  }

  onChanged(listener: (d: InventoryDelta) => void, viewer: InventoryViewer): Disposable {
    const l = (d: InventoryDelta) => {
      if (!viewer.signedIn()) return;
      listener({ ...d, upserts: d.upserts.filter((v) => viewer.canSee(v.membership?.owner)) });
    };
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  /** Every VM's and host's figures move, the way a stats poll moves them. */
  private emitStats(): void {
    this.tick++;
    const now = new Date().toISOString();
    for (const [i, h] of this.hostFacts.entries()) {
      this.hostFacts[i] = { ...h, cpuPercent: (h.cpuPercent + 7) % 100, updatedAt: now };
    }
    for (const [i, v] of this.vms.entries()) {
      if (v.state !== 'running') continue;
      this.vms[i] = {
        ...v,
        cpuPercent: (i * 13 + this.tick * 29) % 100,
        memoryKiB: v.maxMemoryKiB - ((i + this.tick) % 64) * 1024,
      };
    }
    const delta: InventoryDelta = {
      hosts: this.hostFacts,
      upserts: this.vms.filter((v) => v.state === 'running'),
      removals: [],
      resetHosts: [],
      removedHosts: [],
    };
    this.updates++;
    for (const l of this.listeners) l(delta);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }
}

/**
 * VM `i` of host `h`: 90 in three 30-node clusters that span this host and its neighbour, 10 in
 * no cluster; mostly running, a few shut off or paused; one NIC on the host's bridge.
 */
function benchVm(h: number, hostId: string, i: number): Vm {
  const n = h * 1000 + i;
  const hex = n.toString(16).padStart(12, '0');
  const state = i % 20 === 7 ? 'shut-off' : i % 50 === 11 ? 'paused' : 'running';
  const clustered = i < 90;
  const cluster = `job-${Math.floor(h / 2)}-${Math.floor(i / 30)}`;
  return {
    hostId,
    uuid: `b0000000-0000-4000-8000-${hex}`,
    name: clustered ? `${cluster}-${(h % 2) * 30 + (i % 30)}` : `${hostId}-vm-${i}`,
    state,
    stale: false,
    vcpus: 2,
    memoryKiB: 2 << 20,
    maxMemoryKiB: 2 << 20,
    cpuPercent: state === 'running' ? (i * 7) % 100 : undefined,
    disks: [{ target: 'vda', source: `/var/lib/libvirt/images/${hex}.qcow2`, format: 'qcow2' }],
    nics: [
      {
        mac: `52:54:00:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`,
        source: 'br0',
        addresses: [],
      },
    ],
    membership: clustered ? { cluster, owner: 'bench', index: (h % 2) * 30 + (i % 30) } : undefined,
  };
}
