import { describe, expect, it } from 'vitest';
import {
  EMPTY_HOST_SIZE,
  FOLDED_SIZE,
  VM_SIZE,
  clusterSize,
  elkGraph,
  gridColumns,
  shelfPlacement,
  vmOffset,
} from '../../../renderer/views/topology/map/map-geometry';
import type { MapCluster, MapGraph } from '../../../renderer/views/topology/map/map-graph';
import { buildMapGraph } from '../../../renderer/views/topology/map/map-graph';
import { fromSnapshot } from '../../../renderer/views/topology/inventory-reducer';
import { host, vm } from '../inventory/vm-fixture';

const cluster = (n: number, collapsed = false): MapCluster => ({
  id: 'c:h1/c',
  hostId: 'h1',
  cluster: 'c',
  label: 'c',
  vmKeys: Array.from({ length: n }, (_, i) => `h1/${i}`),
  collapsed,
});

describe('map geometry', () => {
  it('every VM of an open cluster lies inside the group and no two overlap', () => {
    for (const n of [1, 3, 7, 25, 100]) {
      const size = clusterSize(cluster(n));
      const boxes = Array.from({ length: n }, (_, i) => vmOffset(i, n));
      for (const b of boxes) {
        expect(b.x + VM_SIZE.width).toBeLessThanOrEqual(size.width);
        expect(b.y + VM_SIZE.height).toBeLessThanOrEqual(size.height);
      }
      expect(new Set(boxes.map((b) => `${b.x},${b.y}`)).size).toBe(n);
    }
  });

  it('a few VMs sit in one row; many in a grid wider than tall', () => {
    expect(gridColumns(3)).toBe(3);
    expect(gridColumns(100)).toBeGreaterThan(Math.ceil(100 / gridColumns(100)));
  });

  it('a folded cluster is one node of a fixed size', () => {
    expect(clusterSize(cluster(500, true))).toEqual(FOLDED_SIZE);
  });

  it('gives ELK one edge per cluster and bridge, inside the host', () => {
    const graph: MapGraph = {
      hosts: [
        {
          id: 'h:h1',
          hostId: 'h1',
          label: 'h1',
          clusters: [cluster(2)],
          networks: [{ id: 'n:h1/br0', hostId: 'h1', name: 'br0' }],
        },
      ],
      edges: [
        { id: 'e1', source: 'v:h1/0', target: 'n:h1/br0', count: 1, label: '' },
        { id: 'e2', source: 'v:h1/1', target: 'n:h1/br0', count: 1, label: '' },
      ],
      signature: '',
    };
    const elk = elkGraph(graph);
    expect(elk.children![0]!.edges).toEqual([
      { id: 'c:h1/c>n:h1/br0', sources: ['c:h1/c'], targets: ['n:h1/br0'] },
    ]);
  });
});

describe('shelf placement of big maps', () => {
  const hosts = Array.from({ length: 30 }, (_, h) => host(`h${h}`));
  const vms = hosts.flatMap((h, i) =>
    Array.from({ length: 1 + (i % 7) * 6 }, (_, j) =>
      vm(h.hostId, i * 100 + j + 1, {
        membership: j % 2 ? { cluster: `c${i % 3}`, owner: 'u', index: j } : undefined,
        nics: [{ mac: '52:54:00:00:00:01', source: `br${j % 2}`, addresses: [] }],
      }),
    ),
  );
  const graph = buildMapGraph(fromSnapshot({ hosts, vms }));
  const p = shelfPlacement(graph);
  type Box = { x: number; y: number; width: number; height: number };
  const box = (id: string): Box => ({ ...p.positions[id]!, ...p.sizes[id]! });
  const overlap = (a: Box, b: Box) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it('no two hosts overlap', () => {
    const boxes = graph.hosts.map((h) => box(h.id));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    }
  });

  it('a host holds its clusters on the left and its bridges on the right, none overlapping', () => {
    for (const h of graph.hosts) {
      const outer = box(h.id);
      const inner = [...h.clusters, ...h.networks].map((c) => box(c.id));
      for (const b of inner) {
        expect(b.x + b.width).toBeLessThanOrEqual(outer.width);
        expect(b.y + b.height).toBeLessThanOrEqual(outer.height);
      }
      for (const [i, a] of inner.entries()) {
        for (const b of inner.slice(i + 1)) expect(overlap(a, b)).toBe(false);
      }
      const rightmostCluster = Math.max(...h.clusters.map((c) => box(c.id).x + box(c.id).width));
      for (const n of h.networks) expect(box(n.id).x).toBeGreaterThan(rightmostCluster);
    }
  });

  it('a host with nothing on it still has a box, big enough to drop a VM on', () => {
    const empty: MapGraph['hosts'][number] = {
      id: 'h:h2',
      hostId: 'h2',
      label: 'h2',
      clusters: [],
      networks: [],
    };
    const graph: MapGraph = { hosts: [empty], edges: [], signature: 'x' };
    const elkHost = elkGraph(graph).children![0]!;
    expect({ width: elkHost.width, height: elkHost.height }).toEqual(EMPTY_HOST_SIZE);
    expect(shelfPlacement(graph).sizes['h:h2']).toEqual(EMPTY_HOST_SIZE);
    expect(EMPTY_HOST_SIZE.width).toBeGreaterThan(FOLDED_SIZE.width);
  });
});
