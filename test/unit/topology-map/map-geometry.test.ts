import { describe, expect, it } from 'vitest';
import {
  FOLDED_SIZE,
  VM_SIZE,
  clusterSize,
  elkGraph,
  gridColumns,
  vmOffset,
} from '../../../renderer/views/topology/map/map-geometry';
import type { MapCluster, MapGraph } from '../../../renderer/views/topology/map/map-graph';

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
