import { execFile } from 'node:child_process';
import { HostsService } from '../../core/hosts/hosts-service';
import { CORE_ITSELF, InventoryService } from '../../core/inventory/inventory-service';
import { FileKeyCipher } from '../../core/secrets/file-key-cipher';
import { readFileSync } from 'node:fs';
import { BENCH_DOMAIN } from './bench-domains';

/** Wall and CPU seconds of one round (CPU: user + system, of this process or of the child). */
export interface RoundTime {
  seconds: number;
  cpuSeconds: number;
}

/** CPU seconds of this process's reaped children so far (/proc/self/stat cutime + cstime). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 (cutime, cstime), in clock ticks of 1/100 s on Linux.
  return (Number(f[13]) + Number(f[14])) / 100;
}

const ownCpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** A HostsService over `dataDir` whose hosts were added and trusted before (no "This computer"). */
export function benchHostsService(dataDir: string): HostsService {
  return new HostsService({ dataDir, cipher: new FileKeyCipher(dataDir), localHost: false });
}

/**
 * Corral's side: from constructing the hosts service (SSH connect, libvirt open over it) until the
 * inventory's snapshot of `hostId` holds all `count` bench domains with their XML facts, which is
 * what the topology view shows. Returns seconds.
 */
export async function corralInventorySeconds(
  dataDir: string,
  hostId: string,
  count: number,
): Promise<RoundTime> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const hosts = benchHostsService(dataDir);
  const inventory = new InventoryService(hosts);
  try {
    const deadline = t0 + 120_000;
    for (;;) {
      const snap = inventory.snapshot(CORE_ITSELF);
      const vms = snap.vms.filter((v) => v.hostId === hostId && BENCH_DOMAIN.test(v.name));
      if (snap.hosts.some((h) => h.hostId === hostId) && vms.length >= count) {
        // XML facts, not only names: every one carries its vCPUs and memory from its XML.
        if (vms.some((v) => v.vcpus !== 1 || v.maxMemoryKiB !== 16 * 1024))
          throw new Error('inventory: bench domains without their XML facts');
        break;
      }
      if (performance.now() > deadline)
        throw new Error(`inventory: ${vms.length} of ${count} domains after 120 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: ownCpuSeconds(cpu0) };
  } finally {
    inventory.dispose();
    hosts.dispose();
  }
}

/**
 * The reference: one virsh over libvirt's own ssh transport doing `list --all` then `domstats`
 * of every domain (the groups Corral's inventory reads), in one connection. Returns seconds.
 */
export function virshInventorySeconds(
  uri: string,
  env: NodeJS.ProcessEnv,
  count: number,
): Promise<RoundTime> {
  const t0 = performance.now();
  const cpu0 = childCpuSeconds();
  return new Promise((resolve, reject) => {
    execFile(
      'virsh',
      ['-c', uri, 'list --all ; domstats --state --cpu-total --balloon --vcpu'],
      { env, maxBuffer: 64 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const secs = (performance.now() - t0) / 1000;
        if (err) return reject(new Error(`virsh: ${stderr || err.message}`));
        const listed = stdout.match(/^\s*-\s+corral-bench-\d{4}\s+shut off\s*$/gm)?.length ?? 0;
        const stats = stdout.match(/^Domain: 'corral-bench-\d{4}'$/gm)?.length ?? 0;
        if (listed < count || stats < count)
          return reject(new Error(`virsh listed ${listed} and gave stats of ${stats} of ${count}`));
        resolve({ seconds: secs, cpuSeconds: childCpuSeconds() - cpu0 });
      },
    );
  });
}
