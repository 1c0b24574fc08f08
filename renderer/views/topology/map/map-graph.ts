import type { Vm } from '../../../../api/inventory-api';
import { vmKey, type InventoryView } from '../inventory-reducer';
import { NO_CLUSTER, hostLabel, matchesFilter, type HostNames } from '../topology-rows';

/**
 * The map's structure (hosts -> clusters -> VMs, bridges as edges), without live figures: it
 * changes only when something appears, goes or moves, so stats updates never re-run the layout.
 */

/** Clusters with more VMs than this start folded to one node, so big inventories stay fluid. */
export const COLLAPSE_ABOVE = 24;

/** With more VMs than this on the map, every group starts folded (an overview first). */
export const FOLD_ALL_ABOVE = 1000;

export interface MapCluster {
  id: string;
  hostId: string;
  /** Corral's cluster name; undefined for the VMs that belong to no cluster. */
  cluster?: string;
  label: string;
  vmKeys: string[];
  collapsed: boolean;
}

export interface MapNetwork {
  id: string;
  hostId: string;
  /** The bridge or libvirt network name from the NICs. */
  name: string;
}

export interface MapHost {
  id: string;
  hostId: string;
  label: string;
  clusters: MapCluster[];
  networks: MapNetwork[];
}

export interface MapEdge {
  id: string;
  source: string;
  target: string;
  /** How many NICs the edge stands for (more than one when a folded cluster carries it). */
  count: number;
  label: string;
}

export interface MapGraph {
  hosts: MapHost[];
  edges: MapEdge[];
  /** Changes exactly when the layout must be redone. */
  signature: string;
}

export const hostNodeId = (hostId: string) => `h:${hostId}`;
export const clusterNodeId = (hostId: string, cluster: string | undefined) =>
  `c:${hostId}/${cluster ?? ''}`;
export const vmNodeId = (key: string) => `v:${key}`;
export const networkNodeId = (hostId: string, name: string) => `n:${hostId}/${name}`;

/**
 * Whether a cluster group is folded: the user's choice if any, else folded when big or when the
 * whole map is.
 */
export function isCollapsed(
  id: string,
  size: number,
  overrides: Readonly<Record<string, boolean>>,
  foldAll = false,
): boolean {
  return overrides[id] ?? (foldAll || size > COLLAPSE_ABOVE);
}

const byIndexThenName = (a: Vm, b: Vm) =>
  (a.membership?.index ?? 0) - (b.membership?.index ?? 0) || a.name.localeCompare(b.name);

/** The bridges a VM's NICs attach to, once each. */
function bridgesOf(vm: Vm): string[] {
  return [...new Set(vm.nics.map((n) => n.source).filter((s): s is string => !!s))];
}

/**
 * Builds the map from the inventory: the same filter as the tree, hosts and clusters by name
 * ("No cluster" last), VMs by their index in the cluster. A folded cluster carries its VMs'
 * edges as one edge per bridge, with the count.
 */
export function buildMapGraph(
  view: InventoryView,
  names: HostNames = {},
  filter = '',
  overrides: Readonly<Record<string, boolean>> = {},
): MapGraph {
  const byHost = new Map<string, Map<string | undefined, Vm[]>>();
  for (const id of Object.keys(view.hosts)) byHost.set(id, new Map());
  const filtering = filter.trim() !== '';
  for (const vm of Object.values(view.vms)) {
    const h = view.hosts[vm.hostId];
    if (filtering) {
      const hostName = `${hostLabel(vm.hostId, h, names)}\n${h?.hostname ?? ''}`;
      if (!matchesFilter(vm, hostName, filter)) continue;
    }
    let clusters = byHost.get(vm.hostId);
    if (!clusters) byHost.set(vm.hostId, (clusters = new Map()));
    const c = vm.membership?.cluster;
    const list = clusters.get(c);
    if (list) list.push(vm);
    else clusters.set(c, [vm]);
  }
  let shown = 0;
  for (const clusters of byHost.values()) for (const l of clusters.values()) shown += l.length;
  const foldAll = shown > FOLD_ALL_ABOVE;
  const label = (id: string) => hostLabel(id, view.hosts[id], names);
  const hostIds = [...byHost.keys()].sort((a, b) => label(a).localeCompare(label(b)));
  const hosts: MapHost[] = [];
  const edges: MapEdge[] = [];
  const sig: string[] = [];
  for (const hostId of hostIds) {
    const clusters = byHost.get(hostId)!;
    if (filtering && clusters.size === 0) continue;
    const host: MapHost = {
      id: hostNodeId(hostId),
      hostId,
      label: label(hostId),
      clusters: [],
      networks: [],
    };
    sig.push(`H${host.id}:${host.label}`);
    const bridges = new Set<string>();
    const clusterNames = [...clusters.keys()].sort((a, b) =>
      a === undefined ? 1 : b === undefined ? -1 : a.localeCompare(b),
    );
    for (const cluster of clusterNames) {
      const vms = clusters.get(cluster)!.sort(byIndexThenName);
      const id = clusterNodeId(hostId, cluster);
      const collapsed = isCollapsed(id, vms.length, overrides, foldAll);
      host.clusters.push({
        id,
        hostId,
        cluster,
        label: cluster ?? NO_CLUSTER,
        vmKeys: vms.map(vmKey),
        collapsed,
      });
      sig.push(`C${id}${collapsed ? '-' : '+'}${vms.length}`);
      const folded = new Map<string, number>();
      for (const vm of vms) {
        const key = vmKey(vm);
        if (!collapsed) sig.push(key);
        for (const b of bridgesOf(vm)) {
          bridges.add(b);
          if (collapsed) folded.set(b, (folded.get(b) ?? 0) + 1);
          else {
            const target = networkNodeId(hostId, b);
            edges.push({
              id: `e:${key}>${b}`,
              source: vmNodeId(key),
              target,
              count: 1,
              label: `${vm.name} attached to ${b}`,
            });
            sig.push(`>${b}`);
          }
        }
      }
      for (const [b, count] of folded) {
        edges.push({
          id: `e:${id}>${b}`,
          source: id,
          target: networkNodeId(hostId, b),
          count,
          label: `${count} ${count === 1 ? 'VM' : 'VMs'} of ${cluster ?? NO_CLUSTER} attached to ${b}`,
        });
        sig.push(`>${b}x${count}`);
      }
    }
    for (const b of [...bridges].sort()) {
      host.networks.push({ id: networkNodeId(hostId, b), hostId, name: b });
    }
    hosts.push(host);
  }
  return { hosts, edges, signature: sig.join('|') };
}
