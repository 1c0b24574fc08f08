import type { HostFacts, Vm } from '../../../api/inventory-api';
import type { InventoryView } from './inventory-reducer';

/** One line of the topology tree, flattened for the windowed list. */
export type TopologyRow =
  | { kind: 'host'; key: string; hostId: string; facts?: HostFacts; vmCount: number }
  | { kind: 'cluster'; key: string; hostId: string; cluster?: string; vmCount: number }
  | { kind: 'vm'; key: string; vm: Vm };

/** Label of the group of VMs that belong to no Corral cluster. */
export const NO_CLUSTER = 'No cluster';

const STATE_WORDS: Record<Vm['state'], string> = {
  running: 'running',
  blocked: 'blocked',
  paused: 'paused',
  'shutting-down': 'shutting down',
  'shut-off': 'shut off',
  crashed: 'crashed',
  suspended: 'suspended',
  'no-state': 'no state',
};

/**
 * A VM's state as words: never "stopped" for a host we cannot reach, but "unknown". (The
 * label on screen adds since when, relative: see state-label.tsx.)
 */
export function stateLabel(vm: Pick<Vm, 'state' | 'stale'>): string {
  if (vm.stale) return 'unknown (stale)';
  return STATE_WORDS[vm.state];
}

/** The colour family of a state (the text says the same: colour is never the only signal). */
export function stateTone(
  vm: Pick<Vm, 'state' | 'stale'>,
): 'ok' | 'off' | 'warn' | 'bad' | 'unknown' {
  if (vm.stale) return 'unknown';
  switch (vm.state) {
    case 'running':
      return 'ok';
    case 'shut-off':
      return 'off';
    case 'crashed':
      return 'bad';
    case 'no-state':
      return 'unknown';
    default:
      return 'warn';
  }
}

/** Corral's names of hosts (from `hosts.list`), by host id. */
export type HostNames = Readonly<Record<string, string>>;

/** The name a host goes by in the tree: its name in Corral, else the machine's hostname. */
export function hostLabel(hostId: string, facts?: HostFacts, names: HostNames = {}): string {
  return names[hostId] ?? facts?.hostname ?? hostId;
}

/**
 * True when every word of `filter` is found (case-insensitively) in the VM's name, its host,
 * its state words or its cluster.
 */
export function matchesFilter(vm: Vm, hostName: string, filter: string): boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = [vm.name, hostName, vm.hostId, stateLabel(vm), vm.state, vm.membership?.cluster ?? '']
    .join('\n')
    .toLowerCase();
  return terms.every((t) => hay.includes(t));
}

/**
 * The tree hosts -> clusters -> VMs as rows, filtered, with collapsed groups folded. Hosts and
 * clusters sort by name ("No cluster" last), VMs by their index in the cluster, then name.
 */
export function buildRows(
  view: InventoryView,
  filter = '',
  collapsed: ReadonlySet<string> = new Set(),
  names: HostNames = {},
): TopologyRow[] {
  const byHost = new Map<string, Map<string | undefined, Vm[]>>();
  for (const id of Object.keys(view.hosts)) byHost.set(id, new Map());
  const filtering = filter.trim() !== '';
  for (const vm of Object.values(view.vms)) {
    const h = view.hosts[vm.hostId];
    const hostName = `${hostLabel(vm.hostId, h, names)}\n${h?.hostname ?? ''}`;
    if (!matchesFilter(vm, hostName, filter)) continue;
    let clusters = byHost.get(vm.hostId);
    if (!clusters) byHost.set(vm.hostId, (clusters = new Map()));
    const c = vm.membership?.cluster;
    const list = clusters.get(c);
    if (list) list.push(vm);
    else clusters.set(c, [vm]);
  }
  const rows: TopologyRow[] = [];
  const hostIds = [...byHost.keys()].sort((a, b) =>
    hostLabel(a, view.hosts[a], names).localeCompare(hostLabel(b, view.hosts[b], names)),
  );
  for (const hostId of hostIds) {
    const clusters = byHost.get(hostId)!;
    const vmCount = [...clusters.values()].reduce((n, l) => n + l.length, 0);
    // While filtering, hosts without a match are noise.
    if (filtering && vmCount === 0) continue;
    const hostKey = `host:${hostId}`;
    rows.push({ kind: 'host', key: hostKey, hostId, facts: view.hosts[hostId], vmCount });
    if (collapsed.has(hostKey)) continue;
    const names = [...clusters.keys()].sort((a, b) =>
      a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b),
    );
    for (const cluster of names) {
      const vms = clusters.get(cluster)!;
      const clusterKey = `cluster:${hostId}/${cluster ?? ''}`;
      rows.push({ kind: 'cluster', key: clusterKey, hostId, cluster, vmCount: vms.length });
      if (collapsed.has(clusterKey)) continue;
      vms.sort(
        (a, b) =>
          (a.membership?.index ?? 0) - (b.membership?.index ?? 0) || a.name.localeCompare(b.name),
      );
      for (const vm of vms) rows.push({ kind: 'vm', key: `vm:${hostId}/${vm.uuid}`, vm });
    }
  }
  return rows;
}
