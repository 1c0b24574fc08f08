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

/**
 * A host with nothing on the map (no VM, or none the filter lets through): a box of its own size,
 * room for a folded cluster, so it shows and takes a VM dropped on it to migrate there.
 */
export const EMPTY_HOST_SIZE = {
  width: FOLDED_SIZE.width + 32,
  height: HOST_HEADER + 8 + FOLDED_SIZE.height + 16,
} as const;

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
      // ELK sizes a node with no children by what it is given, else it would be 0 by 0.
      ...(h.clusters.length + h.networks.length === 0 ? EMPTY_HOST_SIZE : {}),
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

/**
 * Up to this many hosts ELK lays the map out. Above it the map is placed by {@link
 * shelfPlacement}: ELK's first layout of 50 hosts takes most of a second in its worker on a busy
 * machine, while the shelves take a millisecond on the page and read the same way.
 */
export const ELK_UP_TO_HOSTS = 12;

const HOST_PAD = 16;
const LANE_GAP = 72;
const STACK_GAP = 16;
const HOST_GAP = 48;

/**
 * The big-map placement, in the same shape as ELK's layered result: inside a host, clusters in a
 * column on the left and bridges in a column on the right (every edge runs cluster -> bridge);
 * hosts on shelves, left to right, wrapping at a width that makes the whole roughly 16:10.
 */
export function shelfPlacement(graph: MapGraph): MapPlacement {
  const positions: MapPlacement['positions'] = {};
  const sizes: MapPlacement['sizes'] = {};
  let area = 0;
  for (const h of graph.hosts) {
    const top = HOST_HEADER + 8;
    let y = top;
    let clusterWidth = 0;
    for (const c of h.clusters) {
      const size = clusterSize(c);
      positions[c.id] = { x: HOST_PAD, y };
      sizes[c.id] = size;
      y += size.height + STACK_GAP;
      clusterWidth = Math.max(clusterWidth, size.width);
    }
    const left = HOST_PAD + clusterWidth + (clusterWidth > 0 ? LANE_GAP : 0);
    let ny = top;
    for (const n of h.networks) {
      positions[n.id] = { x: left, y: ny };
      sizes[n.id] = NETWORK_SIZE;
      ny += NETWORK_SIZE.height + STACK_GAP;
    }
    const width = Math.max(
      FOLDED_SIZE.width + 2 * HOST_PAD,
      left + (h.networks.length > 0 ? NETWORK_SIZE.width : 0) + HOST_PAD,
    );
    const height = Math.max(y, ny, top + STACK_GAP) - STACK_GAP + HOST_PAD;
    sizes[h.id] =
      h.clusters.length + h.networks.length === 0 ? { ...EMPTY_HOST_SIZE } : { width, height };
    area += (width + HOST_GAP) * (height + HOST_GAP);
  }
  const rowWidth = Math.sqrt(area * 1.6);
  let x = HOST_GAP / 2;
  let y = HOST_GAP / 2;
  let rowHeight = 0;
  for (const h of graph.hosts) {
    const { width, height } = sizes[h.id]!;
    if (x > HOST_GAP / 2 && x + width > rowWidth) {
      x = HOST_GAP / 2;
      y += rowHeight + HOST_GAP;
      rowHeight = 0;
    }
    positions[h.id] = { x, y };
    x += width + HOST_GAP;
    rowHeight = Math.max(rowHeight, height);
  }
  return { positions, sizes };
}
