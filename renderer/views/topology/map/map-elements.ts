import type { Edge } from '@xyflow/react';
import { FOLDED_SIZE, VM_SIZE, vmOffset, type MapPlacement } from './map-geometry';
import { NETWORK_SIZE } from './map-geometry';
import type { MapGraph } from './map-graph';
import type { MapNode } from './map-nodes';

/**
 * xyflow's nodes and edges for a laid-out map. Parents come before their children (xyflow's
 * rule for sub-flows); positions of children are relative to their parent.
 */
export function mapElements(
  graph: MapGraph,
  placement: MapPlacement,
): { nodes: MapNode[]; edges: Edge[] } {
  const nodes: MapNode[] = [];
  const at = (id: string) => placement.positions[id] ?? { x: 0, y: 0 };
  for (const h of graph.hosts) {
    const size = placement.sizes[h.id] ?? { width: 400, height: 200 };
    nodes.push({
      id: h.id,
      type: 'host',
      position: at(h.id),
      ...size,
      data: { hostId: h.hostId, label: h.label },
      ariaLabel: `Host ${h.label}`,
      ariaRole: 'group',
      draggable: false,
      selectable: false,
    });
    for (const c of h.clusters) {
      const csize = placement.sizes[c.id] ?? FOLDED_SIZE;
      const what = c.cluster ? `Cluster ${c.label}` : c.label;
      nodes.push({
        id: c.id,
        type: 'cluster',
        parentId: h.id,
        position: at(c.id),
        ...csize,
        data: {
          label: c.label,
          cluster: c.cluster,
          hostLabel: h.label,
          vmKeys: c.vmKeys,
          collapsed: c.collapsed,
        },
        ariaLabel: `${what} on ${h.label}`,
        ariaRole: 'group',
        draggable: false,
        selectable: false,
      });
      if (c.collapsed) continue;
      c.vmKeys.forEach((key, i) => {
        nodes.push({
          id: `v:${key}`,
          type: 'vm',
          parentId: c.id,
          position: vmOffset(i, c.vmKeys.length),
          ...VM_SIZE,
          data: { vmKey: key },
          ariaRole: 'group',
          ariaLabel: `VM on ${h.label}`,
          selectable: false,
        });
      });
    }
    for (const n of h.networks) {
      nodes.push({
        id: n.id,
        type: 'network',
        parentId: h.id,
        position: at(n.id),
        ...NETWORK_SIZE,
        data: { name: n.name },
        ariaLabel: `Bridge ${n.name} on ${h.label}`,
        ariaRole: 'group',
        draggable: false,
        selectable: false,
      });
    }
  }
  const edges: Edge[] = graph.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    // No drawn label: a folded cluster says its count itself, and SVG labels are measured on
    // every render (getBBox), which a map of hundreds of edges pays for on every frame it moves.
    ariaLabel: e.label,
    selectable: false,
    focusable: false,
  }));
  return { nodes, edges };
}
