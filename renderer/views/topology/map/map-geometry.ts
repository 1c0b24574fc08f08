import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { MapCluster, MapGraph } from './map-graph';

/**
 * Sizes and the ELK graph of the map. ELK places hosts, cluster groups and bridges; the VMs
 * inside an open cluster sit on a plain grid (they have no edges among themselves, so a grid is
 * what any layout would give, and it costs nothing for thousands of VMs).
 */

export const VM_SIZE = { width: 176, height: 56 } as const;
export const FOLDED_SIZE = { width: 232, height: 88 } as const;
export const NETWORK_SIZE = { width: 168, height: 48 } as const;
const GAP = 12;
const CLUSTER_PAD = 12;
export const CLUSTER_HEADER = 44;
export const HOST_HEADER = 52;

/** Columns of a cluster's VM grid: a short row for a few, roughly 2:1 wide for many. */
export function gridColumns(n: number): number {
  if (n <= 4) return Math.max(1, n);
  return Math.ceil(Math.sqrt(n * 2));
}

/** Position of the i-th VM inside its cluster group. */
export function vmOffset(i: number, n: number): { x: number; y: number } {
  const cols = gridColumns(n);
  return {
    x: CLUSTER_PAD + (i % cols) * (VM_SIZE.width + GAP),
    y: CLUSTER_HEADER + Math.floor(i / cols) * (VM_SIZE.height + GAP),
  };
}

/** Size of a cluster group, open (a grid of its VMs) or folded (one node). */
export function clusterSize(c: MapCluster): { width: number; height: number } {
  if (c.collapsed) return FOLDED_SIZE;
  const n = c.vmKeys.length;
  const cols = gridColumns(n);
  const rows = Math.max(1, Math.ceil(n / cols));
  return {
    width: Math.max(FOLDED_SIZE.width, 2 * CLUSTER_PAD + cols * VM_SIZE.width + (cols - 1) * GAP),
    height: CLUSTER_HEADER + CLUSTER_PAD + rows * VM_SIZE.height + (rows - 1) * GAP,
  };
}

/** The ELK input: hosts packed as rectangles, each laid out left to right (clusters, bridges). */
export function elkGraph(graph: MapGraph): ElkNode {
  const edgesByHost = new Map<string, ElkExtendedEdge[]>();
  const clusterOf = new Map<string, string>();
  for (const h of graph.hosts) {
    edgesByHost.set(h.id, []);
    for (const c of h.clusters) for (const k of c.vmKeys) clusterOf.set(`v:${k}`, c.id);
  }
  // ELK sees one edge per cluster and bridge; the map draws one per NIC.
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const source = clusterOf.get(e.source) ?? e.source;
    const id = `${source}>${e.target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const hostId = `h:${e.target.slice(2, e.target.indexOf('/'))}`;
    edgesByHost.get(hostId)?.push({ id, sources: [source], targets: [e.target] });
  }
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'rectpacking',
      'elk.spacing.nodeNode': '48',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.hosts.map((h) => ({
      id: h.id,
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.padding': `[top=${HOST_HEADER + 8},left=16,bottom=16,right=16]`,
        'elk.spacing.nodeNode': '24',
        'elk.layered.spacing.nodeNodeBetweenLayers': '72',
      },
      children: [
        ...h.clusters.map((c) => ({ id: c.id, ...clusterSize(c) })),
        ...h.networks.map((n) => ({ id: n.id, ...NETWORK_SIZE })),
      ],
      edges: edgesByHost.get(h.id) ?? [],
    })),
  };
}

/** Where ELK put each host (absolute) and each cluster and bridge (relative to its host). */
export interface MapPlacement {
  positions: Record<string, { x: number; y: number }>;
  sizes: Record<string, { width: number; height: number }>;
}

/** Reads ELK's answer into positions and sizes by node id. */
export function placementOf(laidOut: ElkNode): MapPlacement {
  const positions: MapPlacement['positions'] = {};
  const sizes: MapPlacement['sizes'] = {};
  for (const h of laidOut.children ?? []) {
    positions[h.id] = { x: h.x ?? 0, y: h.y ?? 0 };
    sizes[h.id] = { width: h.width ?? 0, height: h.height ?? 0 };
    for (const c of h.children ?? []) {
      positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
      sizes[c.id] = { width: c.width ?? 0, height: c.height ?? 0 };
    }
  }
  return { positions, sizes };
}
