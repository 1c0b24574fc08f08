import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { hostStateText } from '../topology-row';
import { stateLabel, stateTone } from '../topology-rows';
import { useTopologyStore } from '../topology-store';
import { useMapStore } from './map-store';

/**
 * The map's node components. Each reads its live words (state, host status) from the store by
 * key with a selector that returns a string, so a stats update re-renders only what changed.
 */

export type HostNodeData = { hostId: string; label: string };
export type ClusterNodeData = {
  label: string;
  /** Corral's cluster name; undefined for the group of VMs in no cluster. */
  cluster?: string;
  hostLabel: string;
  vmKeys: string[];
  collapsed: boolean;
};
export type VmNodeData = { vmKey: string };
export type NetworkNodeData = { name: string };

export type HostNode = Node<HostNodeData, 'host'>;
export type ClusterNode = Node<ClusterNodeData, 'cluster'>;
export type VmNode = Node<VmNodeData, 'vm'>;
export type NetworkNode = Node<NetworkNodeData, 'network'>;
export type MapNode = HostNode | ClusterNode | VmNode | NetworkNode;

const HostGroup = memo(function HostGroup({ data }: NodeProps<HostNode>) {
  const status = useTopologyStore((s) => hostStateText(s.inventory.hosts[data.hostId]));
  const dropping = useMapStore((s) => s.dropHost === data.hostId);
  return (
    <div
      className={dropping ? 'map-host drop-target' : 'map-host'}
      data-testid={`map-host-${data.label}`}
      data-drop-target={dropping ? 'migrate' : undefined}
    >
      <header className="map-group-header">
        <span className="map-title">{data.label}</span>
        <span className="map-status" data-testid={`map-host-${data.label}-state`}>
          {status}
        </span>
        {dropping && <span className="map-drop-hint">Drop to migrate here</span>}
      </header>
    </div>
  );
});

/** "2 running, 1 shut off": a folded cluster's states in words. */
function statesSummary(words: string[]): string {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].map(([w, n]) => `${n} ${w}`).join(', ');
}

const ClusterGroup = memo(function ClusterGroup({ id, data }: NodeProps<ClusterNode>) {
  const setCollapsed = useMapStore((s) => s.setCollapsed);
  const summary = useTopologyStore((s) =>
    data.collapsed
      ? statesSummary(
          data.vmKeys.map((k) => (s.inventory.vms[k] ? stateLabel(s.inventory.vms[k]) : 'gone')),
        )
      : '',
  );
  const n = data.vmKeys.length;
  const what = data.cluster ? `cluster ${data.label}` : `VMs in no cluster`;
  return (
    <div
      className={data.collapsed ? 'map-cluster folded' : 'map-cluster'}
      data-drop-cluster={data.cluster ?? ''}
      data-drop-host={data.hostLabel}
    >
      <header className="map-group-header">
        <button
          type="button"
          className="map-fold nodrag"
          aria-expanded={!data.collapsed}
          aria-label={`${data.collapsed ? 'Expand' : 'Collapse'} ${what} on ${data.hostLabel}`}
          onClick={() => setCollapsed(id, !data.collapsed)}
        >
          {data.collapsed ? '▸' : '▾'}
        </button>
        <span className="map-title">{data.cluster ? `Cluster ${data.label}` : data.label}</span>
        <span className="map-count" data-testid={`map-cluster-${data.label}-count`}>
          {n} {n === 1 ? 'VM' : 'VMs'}
        </span>
      </header>
      {data.collapsed && <p className="map-summary">{summary}</p>}
      {data.collapsed && <Handle type="source" position={Position.Right} isConnectable={false} />}
    </div>
  );
});

const VmBox = memo(function VmBox({ data }: NodeProps<VmNode>) {
  const key = data.vmKey;
  const name = useTopologyStore((s) => s.inventory.vms[key]?.name ?? '');
  const state = useTopologyStore((s) => {
    const vm = s.inventory.vms[key];
    return vm ? stateLabel(vm) : 'gone';
  });
  const tone = useTopologyStore((s) => {
    const vm = s.inventory.vms[key];
    return vm ? stateTone(vm) : 'unknown';
  });
  const selected = useTopologyStore((s) => s.selected === key);
  const select = useTopologyStore((s) => s.select);
  return (
    <button
      type="button"
      className={`map-vm tone-${tone}${selected ? ' selected' : ''}`}
      aria-pressed={selected}
      aria-label={`${name}, ${state}`}
      onClick={() => select(selected ? undefined : key)}
    >
      <span className="map-vm-name">{name}</span>
      <span className="map-vm-state" data-testid={`map-vm-${name}-state`}>
        {state}
      </span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </button>
  );
});

const NetworkBox = memo(function NetworkBox({ data }: NodeProps<NetworkNode>) {
  return (
    <div className="map-network">
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="map-network-kind">bridge</span>{' '}
      <span className="map-title">{data.name}</span>
    </div>
  );
});

/** xyflow's table of node kinds; a module constant so it never changes identity. */
export const MAP_NODE_TYPES = {
  host: HostGroup,
  cluster: ClusterGroup,
  vm: VmBox,
  network: NetworkBox,
};
