import type { HostFacts, Vm } from '../../api/inventory-api';
import type { BalanceHost, BalanceVm } from '../placement/balance-types';
import { averageSince, type LoadSeriesLike } from '../placement/load-window';

/** What the balancer is given, with what it left out and why. */
export interface BalanceInputs {
  hosts: BalanceHost[];
  vms: BalanceVm[];
  /** Hosts left out (unreachable), and windows the history does not fully cover. */
  notes: string[];
  /** The shortest stretch of the window the history covers over the judged hosts (ms). */
  coveredMs: number;
}

/** Reads a load series: a host's by id, a VM's by UUID. */
export interface HistoryReader {
  host(hostId: string): LoadSeriesLike;
  vm(uuid: string): LoadSeriesLike;
}

/**
 * A host's load as the balancer judges it: what its running guests use, averaged over the
 * window from the inventory's history. That is the load a migration can move, and it keeps
 * hosts apart that share one machine's counters (namespaced test hosts report the whole
 * machine's CPU and memory). A VM's CPU is its share of its own vCPUs, so it weighs
 * `cpu x vcpus / host CPUs` on its host.
 */
export function balanceInputs(
  facts: readonly HostFacts[],
  vms: readonly Vm[],
  history: HistoryReader,
  windowMs: number,
  now: number,
): BalanceInputs {
  const since = now - windowMs;
  const notes: string[] = [];
  const hosts: BalanceHost[] = [];
  const out: BalanceVm[] = [];
  let coveredMs = windowMs;
  for (const f of facts) {
    if (f.stale) {
      notes.push(`${f.hostname} is unreachable: it is left out`);
      continue;
    }
    let cpu = 0;
    let memKiB = 0;
    for (const vm of vms) {
      if (vm.hostId !== f.hostId || vm.state !== 'running' || vm.stale) continue;
      const avg = averageSince(history.vm(vm.uuid), since);
      const cpuOfHost = ((avg.cpu ?? 0) * Math.max(1, vm.vcpus)) / Math.max(1, f.cpus);
      cpu += cpuOfHost;
      memKiB += avg.memoryKiB ?? vm.memoryKiB;
      out.push({
        hostId: vm.hostId,
        uuid: vm.uuid,
        name: vm.name,
        vcpus: vm.vcpus,
        memoryKiB: vm.memoryKiB,
        cpuPercentOfHost: cpuOfHost,
        ...(vm.membership ? { cluster: vm.membership.cluster } : {}),
      });
    }
    coveredMs = Math.min(coveredMs, averageSince(history.host(f.hostId), since).coveredMs);
    hosts.push({
      hostId: f.hostId,
      name: f.hostname,
      cpus: f.cpus,
      memoryKiB: f.memoryKiB,
      freeMemoryKiB: f.freeMemoryKiB,
      cpuPercent: Math.min(100, cpu),
      memoryPercent: f.memoryKiB > 0 ? Math.min(100, (memKiB / f.memoryKiB) * 100) : 0,
    });
  }
  return { hosts, vms: out, notes, coveredMs };
}
