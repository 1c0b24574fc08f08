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
import { fileDropNotice, type DropTarget } from './map-drop';
import { mapElements } from './map-elements';
import type { MapPlacement } from './map-geometry';
import { buildMapGraph, type MapGraph } from './map-graph';
import { MAP_NODE_TYPES, type MapNode } from './map-nodes';
import { notifyMap, useMapStore } from './map-store';
import { dropHighlight, hostAt, hostBoxes, vmDrop } from './map-vm-drop';
import { useMigrateStore } from '../../vm-ops/migrate-store';
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

/** The VM a map node stands for, as the inventory knows it now. */
const vmOf = (node: Node) =>
  useTopologyStore.getState().inventory.vms[(node.data as { vmKey: string }).vmKey];

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

  const setDropHost = useMapStore((s) => s.setDropHost);
  /** The host group under the pointer of a drag event, if any. */
  const hostUnder = useCallback(
    (event: MouseEvent | TouchEvent) => {
      const p = 'clientX' in event ? event : (event.changedTouches[0] ?? event.touches[0]);
      if (!p) return undefined;
      const at = screenToFlowPosition({ x: p.clientX, y: p.clientY });
      return hostAt(at, hostBoxes(getNodes()));
    },
    [screenToFlowPosition, getNodes],
  );
  // While a VM is dragged, the host it would migrate to is highlighted.
  const onNodeDrag = useCallback(
    (event: MouseEvent | TouchEvent, node: Node) => {
      const vm = node.type === 'vm' ? vmOf(node) : undefined;
      setDropHost(vm ? dropHighlight(vm.hostId, hostUnder(event)) : undefined);
    },
    [hostUnder, setDropHost],
  );

  const onNodeDragStop = useCallback(
    (event: MouseEvent | TouchEvent, node: Node) => {
      setDropHost(undefined);
      if (node.type !== 'vm') return;
      const vm = vmOf(node);
      // Put it back where it belongs: nothing moves on the hosts until the dialog is confirmed.
      setNodes(laidOut.nodes);
      if (!vm) return;
      const { inventory, hostNames } = useTopologyStore.getState();
      const from = hostLabel(vm.hostId, inventory.hosts[vm.hostId], hostNames);
      const drop = vmDrop(vm, from, hostUnder(event));
      if (drop.kind === 'migrate') {
        useMigrateStore.getState().show({
          hostId: vm.hostId,
          uuid: vm.uuid,
          name: vm.name,
          targetHostId: drop.targetHostId,
        });
      } else notifyMap(drop.notice);
    },
    [laidOut, setNodes, hostUnder, setDropHost],
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
        onNodeDrag={onNodeDrag}
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
