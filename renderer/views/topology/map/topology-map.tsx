import { Bullseye, EmptyState, EmptyStateBody, Spinner } from '@patternfly/react-core';
import {
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useNodesState,
  useReactFlow,
  type Node,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState, type DragEvent } from 'react';
import { dropProgram } from '../../jobs/program-drop';
import { hostLabel } from '../topology-rows';
import { useTopologyStore } from '../topology-store';
import { layoutMap, warmUpLayout } from './elk-layout';
import { fileDropNotice, vmDropNotice, type DropTarget } from './map-drop';
import { mapElements } from './map-elements';
import type { MapPlacement } from './map-geometry';
import { buildMapGraph, type MapGraph } from './map-graph';
import { MAP_NODE_TYPES, type MapNode } from './map-nodes';
import { notifyMap, useMapStore } from './map-store';
import './map.css';

warmUpLayout();

/**
 * Above this many nodes only those in view are rendered. Below it the whole map stays in the
 * page: panning then only moves it, instead of recomputing what is visible on every frame.
 */
const VISIBLE_ONLY_ABOVE = 1500;

const ARIA_LABELS = {
  'controls.ariaLabel': 'Map controls',
  'controls.zoomIn.ariaLabel': 'Zoom in',
  'controls.zoomOut.ariaLabel': 'Zoom out',
  'controls.fitView.ariaLabel': 'Fit the map to the view',
  'controls.interactive.ariaLabel': 'Lock the map',
};

/**
 * The map's structure, recomputed on every inventory change but kept (same object) while its
 * signature holds: stats updates then cost one pass over the VMs and no layout.
 */
function useMapGraph(): MapGraph {
  const inventory = useTopologyStore((s) => s.inventory);
  const names = useTopologyStore((s) => s.hostNames);
  const filter = useTopologyStore((s) => s.filter);
  const overrides = useMapStore((s) => s.overrides);
  const next = useMemo(
    () => buildMapGraph(inventory, names, filter, overrides),
    [inventory, names, filter, overrides],
  );
  // React's pattern for state derived from the previous render: adopt only a new structure.
  const [graph, setGraph] = useState(next);
  if (graph !== next && graph.signature !== next.signature) setGraph(next);
  return graph.signature === next.signature ? graph : next;
}

/** A graph with the positions computed for it (never a graph with another one's positions). */
interface LaidOut {
  graph: MapGraph;
  placement: MapPlacement;
}

/** The latest laid-out graph; the previous one stays on screen while a change is laid out. */
function useLaidOut(graph: MapGraph, loaded: boolean): { laid?: LaidOut; error?: string } {
  const [state, setState] = useState<{ laid?: LaidOut; error?: string }>({});
  useEffect(() => {
    if (!loaded) return;
    let current = true;
    layoutMap(graph).then(
      (placement) => current && setState({ laid: { graph, placement } }),
      (err: unknown) =>
        current && setState({ error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      current = false;
    };
  }, [graph, loaded]);
  return state;
}

/** Topology as a map: hosts contain clusters contain VMs; bridges are edges. */
export function TopologyMap() {
  const graph = useMapGraph();
  const loaded = useTopologyStore((s) => s.loaded);
  const { laid, error } = useLaidOut(graph, loaded);
  if (error) {
    return (
      <EmptyState titleText="The map could not be laid out" headingLevel="h2" status="danger">
        <EmptyStateBody>{error}. The tree view shows the same hosts and VMs.</EmptyStateBody>
      </EmptyState>
    );
  }
  if (!laid) {
    return (
      <Bullseye className="topology-map">
        <Spinner aria-label="Laying out the map" />
      </Bullseye>
    );
  }
  if (graph.hosts.length === 0) {
    return (
      <EmptyState titleText="Nothing to show on the map" headingLevel="h2">
        <EmptyStateBody>No host is online, or the filter matches nothing.</EmptyStateBody>
      </EmptyState>
    );
  }
  return (
    <ReactFlowProvider>
      <MapCanvas laid={laid} />
    </ReactFlowProvider>
  );
}

/** Where a file drop landed, from the element under the pointer. */
function dropTargetOf(el: EventTarget | null): DropTarget {
  const group = el instanceof Element ? el.closest('[data-drop-host]') : null;
  if (!group) return { kind: 'none' };
  const host = group.getAttribute('data-drop-host') ?? '';
  const cluster = group.getAttribute('data-drop-cluster') ?? '';
  return cluster ? { kind: 'cluster', cluster, host } : { kind: 'no-cluster', host };
}

function MapCanvas({ laid }: { laid: LaidOut }) {
  const laidOut = useMemo(() => mapElements(laid.graph, laid.placement), [laid]);
  const [nodes, setNodes, onNodesChange] = useNodesState<MapNode>(laidOut.nodes);
  useEffect(() => setNodes(laidOut.nodes), [laidOut, setNodes]);
  const { screenToFlowPosition, getNodes, fitView } = useReactFlow();
  // Fit once the pane has its size (the fitView prop can run before the flex layout settles).
  useEffect(() => {
    const id = requestAnimationFrame(() => void fitView());
    return () => cancelAnimationFrame(id);
  }, [fitView]);

  const onNodeDragStop = useCallback(
    (event: MouseEvent | TouchEvent, node: Node) => {
      if (node.type !== 'vm') return;
      const { inventory, hostNames } = useTopologyStore.getState();
      const vm = inventory.vms[(node.data as { vmKey: string }).vmKey];
      // Put it back where it belongs: nothing moved on the hosts.
      setNodes(laidOut.nodes);
      if (!vm) return;
      const p = 'clientX' in event ? event : event.changedTouches[0];
      const at = p ? screenToFlowPosition({ x: p.clientX, y: p.clientY }) : undefined;
      const over = at
        ? getNodes().find(
            (n) =>
              n.type === 'host' &&
              at.x >= n.position.x &&
              at.y >= n.position.y &&
              at.x <= n.position.x + (n.width ?? 0) &&
              at.y <= n.position.y + (n.height ?? 0),
          )
        : undefined;
      const from = hostLabel(vm.hostId, inventory.hosts[vm.hostId], hostNames);
      const to = over ? (over.data as { label: string }).label : undefined;
      notifyMap(vmDropNotice(vm.name, from, to));
    },
    [laidOut, setNodes, screenToFlowPosition, getNodes],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    // Accept every drag here so that a drop is answered, never silently ignored; the map's own
    // answer is the only one (no page-wide handler answers it again).
    e.preventDefault();
    e.stopPropagation();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback((e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const target = dropTargetOf(e.target);
    const names = [...e.dataTransfer.files].map((f) => f.name);
    // Files on a cluster are a program to run there: the run dialog takes them from here.
    if (target.kind === 'cluster' && names.length > 0) dropProgram(e.dataTransfer, target.cluster);
    else notifyMap(fileDropNotice(names, target.kind === 'cluster' ? { kind: 'none' } : target));
  }, []);

  return (
    <div className="topology-map" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<MapNode>
        aria-label="Topology map"
        nodes={nodes}
        edges={laidOut.edges}
        nodeTypes={MAP_NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        nodesConnectable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        onlyRenderVisibleElements={nodes.length > VISIBLE_ONLY_ABOVE}
        minZoom={0.05}
        ariaLabelConfig={ARIA_LABELS}
        proOptions={{ hideAttribution: true }}
      >
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
