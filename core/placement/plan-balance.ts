import { CorralError } from '../../api/errors';
import type { HostLoad } from '../../api/migration-api';
import type {
  BalanceHost,
  BalanceThresholds,
  BalanceVm,
  PlannedBalance,
  PlannedMove,
} from './balance-types';
import { pct, windowWords } from './balance-words';
import { fitsGuest, freeAfterGuest, freeAfterLeaving } from './host-fit';
import { imbalanceOf } from './imbalance';

type Resource = 'cpu' | 'memory';
type Load = { cpuPercent: number; memoryPercent: number };

interface WorkHost {
  host: BalanceHost;
  cpu: number;
  memory: number;
  freeKiB: number;
  /** Nodes per cluster on this host now. */
  clusters: Map<string, number>;
  /** Over its thresholds with nothing left to move: not looked at again. */
  done: boolean;
}

/** Spread is compared with this much slack so rounding noise never counts as better. */
const EPSILON = 1e-9;

/** Refuses thresholds that cannot work together, naming the pair. */
export function checkThresholds(policy: BalanceThresholds): void {
  if (policy.cpuLowPercent >= policy.cpuHighPercent) {
    throw new CorralError(
      'bad-request',
      `the low CPU threshold (${policy.cpuLowPercent}%) must be below the high one (${policy.cpuHighPercent}%)`,
    );
  }
  if (policy.memoryLowPercent >= policy.memoryHighPercent) {
    throw new CorralError(
      'bad-request',
      `the low memory threshold (${policy.memoryLowPercent}%) must be below the high one (${policy.memoryHighPercent}%)`,
    );
  }
}

/**
 * Which VMs to move where so that no host stays over its high thresholds. A host over a
 * threshold (its average over the window) sheds VMs, picked by their share of its load, to hosts
 * under both low thresholds that fit them; a move is kept only when it makes the spread of load
 * over the hosts smaller, so a plan never leaves hosts less even than it found them. Pure: the
 * same inputs give the same plan.
 */
export function planBalance(
  hosts: readonly BalanceHost[],
  vms: readonly BalanceVm[],
  policy: BalanceThresholds,
): PlannedBalance {
  checkThresholds(policy);
  const work: WorkHost[] = [...hosts]
    .sort((a, b) => a.name.localeCompare(b.name) || a.hostId.localeCompare(b.hostId))
    .map((host) => ({
      host,
      cpu: host.cpuPercent,
      memory: host.memoryPercent,
      freeKiB: host.freeMemoryKiB,
      clusters: new Map(),
      done: false,
    }));
  const byId = new Map(work.map((w) => [w.host.hostId, w]));
  const placed = new Map<string, string>(); // uuid -> host id now
  for (const vm of vms) {
    const w = byId.get(vm.hostId);
    if (!w) continue;
    placed.set(vm.uuid, vm.hostId);
    if (vm.cluster !== undefined) w.clusters.set(vm.cluster, (w.clusters.get(vm.cluster) ?? 0) + 1);
  }
  const before = loads(work);
  const moves: PlannedMove[] = [];
  const moved = new Set<string>();
  const notes: string[] = [];
  const window = windowWords(policy.windowSeconds);

  for (;;) {
    const source = work
      .filter((w) => !w.done && excess(w, policy) > 0)
      .sort((a, b) => excess(b, policy) - excess(a, policy))[0];
    if (!source) break;
    const resource = overResource(source, policy);
    const move = bestMove(source, resource);
    if (!move) {
      source.done = true;
      notes.push(stuckNote(source, work, policy));
      continue;
    }
    const { vm, target } = move;
    const share = shareOf(vm, source, resource);
    const high = resource === 'cpu' ? policy.cpuHighPercent : policy.memoryHighPercent;
    const word = resource === 'cpu' ? 'CPU' : 'memory';
    moves.push({
      vm: { hostId: vm.hostId, uuid: vm.uuid, name: vm.name },
      fromHostId: source.host.hostId,
      toHostId: target.host.hostId,
      reason:
        `${source.host.name} ${word} ${pct(level(source, resource))} over ${pct(high)} for ${window}: ` +
        `move ${vm.name} (${pct(share)} of the host) to ${target.host.name} ` +
        `(${word} ${pct(level(target, resource))})`,
    });
    applyMove(vm, source, target);
    moved.add(vm.uuid);
  }

  if (moves.length === 0 && notes.length === 0) {
    notes.push(
      `no host is over its thresholds (CPU ${pct(policy.cpuHighPercent)}, memory ` +
        `${pct(policy.memoryHighPercent)}) on average over the last ${window}`,
    );
  }
  return {
    moves,
    before: { imbalance: round1(imbalanceOf(before)), hosts: before },
    after: { imbalance: round1(imbalanceOf(loads(work))), hosts: loads(work) },
    notes,
  };

  function bestMove(
    source: WorkHost,
    resource: Resource,
  ): { vm: BalanceVm; target: WorkHost } | undefined {
    const need = level(source, resource) - highOf(resource, policy);
    const candidates = vms
      .filter((vm) => placed.get(vm.uuid) === source.host.hostId && !moved.has(vm.uuid))
      .filter((vm) => shareOf(vm, source, resource) > 0)
      .sort((a, b) => vmOrder(a, b, source, resource, need));
    const current = imbalanceOf(work.map(asLoad));
    for (const vm of candidates) {
      const targets = work
        .filter((t) => t !== source && underLow(t, policy))
        .filter((t) => fitsGuest(t.host, t.freeKiB, { vcpus: vm.vcpus, memoryKiB: vm.memoryKiB }))
        .sort((a, b) => targetOrder(a, b, vm, resource));
      for (const target of targets) {
        const after = projected(vm, source, target);
        // Relieving one host must not overload another.
        if (excess(after.target, policy) > 0) continue;
        const spread = imbalanceOf(
          work.map((w) => (w === source ? after.source : w === target ? after.target : asLoad(w))),
        );
        if (spread < current - EPSILON) return { vm, target };
      }
    }
    return undefined;
  }

  /** VMs whose share alone brings the host back under first (smallest such), then the largest. */
  function vmOrder(
    a: BalanceVm,
    b: BalanceVm,
    source: WorkHost,
    r: Resource,
    need: number,
  ): number {
    const sa = shareOf(a, source, r);
    const sb = shareOf(b, source, r);
    const enoughA = sa >= need;
    const enoughB = sb >= need;
    if (enoughA !== enoughB) return enoughA ? -1 : 1;
    if (sa !== sb) return enoughA ? sa - sb : sb - sa;
    if (policy.keepClustersSpread) {
      // Moving a node whose cluster has another node here also spreads that cluster.
      const da = doubled(a, source) ? 0 : 1;
      const db = doubled(b, source) ? 0 : 1;
      if (da !== db) return da - db;
    }
    return a.name.localeCompare(b.name) || a.uuid.localeCompare(b.uuid);
  }

  /** Hosts without a node of the VM's cluster first (when asked), then the least loaded. */
  function targetOrder(a: WorkHost, b: WorkHost, vm: BalanceVm, r: Resource): number {
    if (policy.keepClustersSpread && vm.cluster !== undefined) {
      const ca = a.clusters.get(vm.cluster) ? 1 : 0;
      const cb = b.clusters.get(vm.cluster) ? 1 : 0;
      if (ca !== cb) return ca - cb;
    }
    return level(a, r) - level(b, r) || a.host.name.localeCompare(b.host.name);
  }

  function applyMove(vm: BalanceVm, source: WorkHost, target: WorkHost): void {
    const after = projected(vm, source, target);
    source.cpu = after.source.cpuPercent;
    source.memory = after.source.memoryPercent;
    source.freeKiB = freeAfterLeaving(source.freeKiB, vm.memoryKiB);
    target.cpu = after.target.cpuPercent;
    target.memory = after.target.memoryPercent;
    target.freeKiB = freeAfterGuest(target.freeKiB, vm.memoryKiB);
    if (vm.cluster !== undefined) {
      source.clusters.set(vm.cluster, (source.clusters.get(vm.cluster) ?? 1) - 1);
      target.clusters.set(vm.cluster, (target.clusters.get(vm.cluster) ?? 0) + 1);
    }
    placed.set(vm.uuid, target.host.hostId);
  }

  function doubled(vm: BalanceVm, host: WorkHost): boolean {
    return vm.cluster !== undefined && (host.clusters.get(vm.cluster) ?? 0) > 1;
  }
}

/** Loads of both hosts if `vm` moved from `source` to `target`. */
function projected(
  vm: BalanceVm,
  source: WorkHost,
  target: WorkHost,
): { source: Load; target: Load } {
  // A VM's CPU share scales with the CPUs of the host it runs on.
  const cpuOnTarget = (vm.cpuPercentOfHost * source.host.cpus) / Math.max(1, target.host.cpus);
  const load = (cpu: number, memory: number): Load => ({
    cpuPercent: clampPct(cpu),
    memoryPercent: clampPct(memory),
  });
  return {
    source: load(source.cpu - vm.cpuPercentOfHost, source.memory - memShare(vm, source)),
    target: load(target.cpu + cpuOnTarget, target.memory + memShare(vm, target)),
  };
}

function shareOf(vm: BalanceVm, host: WorkHost, r: Resource): number {
  return r === 'cpu' ? vm.cpuPercentOfHost : memShare(vm, host);
}

function memShare(vm: BalanceVm, host: WorkHost): number {
  return host.host.memoryKiB > 0 ? (vm.memoryKiB / host.host.memoryKiB) * 100 : 100;
}

function level(w: WorkHost, r: Resource): number {
  return r === 'cpu' ? w.cpu : w.memory;
}

function highOf(r: Resource, p: BalanceThresholds): number {
  return r === 'cpu' ? p.cpuHighPercent : p.memoryHighPercent;
}

/** How far over its worse threshold a host is (percentage points; <= 0: not over). */
function excess(w: WorkHost | Load, p: BalanceThresholds): number {
  const l = 'host' in w ? asLoad(w) : w;
  return Math.max(l.cpuPercent - p.cpuHighPercent, l.memoryPercent - p.memoryHighPercent);
}

function overResource(w: WorkHost, p: BalanceThresholds): Resource {
  return w.cpu - p.cpuHighPercent >= w.memory - p.memoryHighPercent ? 'cpu' : 'memory';
}

function underLow(w: WorkHost, p: BalanceThresholds): boolean {
  return w.cpu < p.cpuLowPercent && w.memory < p.memoryLowPercent;
}

function stuckNote(source: WorkHost, work: readonly WorkHost[], p: BalanceThresholds): string {
  const r = overResource(source, p);
  const what = `${source.host.name} is over its ${r === 'cpu' ? 'CPU' : 'memory'} threshold (${pct(level(source, r))})`;
  if (!work.some((t) => t !== source && underLow(t, p))) {
    return `${what} but no other host is under CPU ${pct(p.cpuLowPercent)} and memory ${pct(p.memoryLowPercent)}`;
  }
  return `${what} but none of its running VMs fits a host under the low thresholds without making the load less even`;
}

function asLoad(w: WorkHost): Load {
  return { cpuPercent: w.cpu, memoryPercent: w.memory };
}

function loads(work: readonly WorkHost[]): HostLoad[] {
  return work.map((w) => ({
    hostId: w.host.hostId,
    name: w.host.name,
    cpuPercent: round1(w.cpu),
    memoryPercent: round1(w.memory),
  }));
}

function clampPct(n: number): number {
  return Math.min(100, Math.max(0, n));
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
