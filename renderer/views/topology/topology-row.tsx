import type { HostFacts, Vm } from '../../../api/inventory-api';
import { vmKey } from './inventory-reducer';
import { ResourceBar, formatKiB } from './resource-bar';
import {
  NO_CLUSTER,
  clockTime,
  hostLabel,
  stateLabel,
  stateTone,
  type TopologyRow,
} from './topology-rows';
import { useTopologyStore } from './topology-store';
import { VmActionError, VmActions } from './vm-actions';

/** One line of the tree: a host, a cluster group or a VM. */
export function TopologyRowView({ row }: { row: TopologyRow }) {
  switch (row.kind) {
    case 'host':
      return <HostRow row={row} />;
    case 'cluster':
      return <ClusterRow row={row} />;
    case 'vm':
      return <VmRow vm={row.vm} />;
  }
}

function Toggle({ groupKey, label }: { groupKey: string; label: string }) {
  const open = useTopologyStore((s) => !s.collapsed.has(groupKey));
  const toggle = useTopologyStore((s) => s.toggle);
  return (
    <button
      type="button"
      className="tree-toggle"
      aria-expanded={open}
      aria-label={`${open ? 'Collapse' : 'Expand'} ${label}`}
      onClick={() => toggle(groupKey)}
    >
      {open ? '▾' : '▸'}
    </button>
  );
}

/** A host's status as words. */
export function hostStateText(facts?: HostFacts): string {
  if (!facts) return 'connecting';
  if (facts.stale) {
    const since = facts.staleSince ? ` since ${clockTime(facts.staleSince)}` : '';
    return `unreachable${since}`;
  }
  return 'online';
}

function HostRow({ row }: { row: Extract<TopologyRow, { kind: 'host' }> }) {
  const names = useTopologyStore((s) => s.hostNames);
  const f = row.facts;
  const label = hostLabel(row.hostId, f, names);
  const used = f ? f.memoryKiB - f.freeMemoryKiB : 0;
  return (
    <div className="trow trow-host" data-testid={`host-${label}`}>
      <Toggle groupKey={row.key} label={label} />
      <span className="trow-name" role="heading" aria-level={2}>
        {label}
      </span>
      <span
        className={`badge badge-${f?.stale ? 'unknown' : f ? 'ok' : 'warn'}`}
        data-testid={`host-${label}-state`}
      >
        {hostStateText(f)}
      </span>
      <span className="trow-meta">
        {row.vmCount} {row.vmCount === 1 ? 'VM' : 'VMs'}
        {f ? ` · ${f.cpus} CPUs` : ''}
      </span>
      {f && (
        <>
          <ResourceBar
            label={`Memory used on ${label}`}
            percent={f.memoryKiB > 0 ? (used / f.memoryKiB) * 100 : 0}
            text={`${formatKiB(used)} / ${formatKiB(f.memoryKiB)}`}
          />
          <ResourceBar
            label={`CPU use on ${label}`}
            percent={f.cpuPercent}
            text={`CPU ${Math.round(f.cpuPercent)}%`}
          />
        </>
      )}
    </div>
  );
}

function ClusterRow({ row }: { row: Extract<TopologyRow, { kind: 'cluster' }> }) {
  const name = row.cluster ?? NO_CLUSTER;
  return (
    <div className="trow trow-cluster">
      <Toggle groupKey={row.key} label={`${name} on ${row.hostId}`} />
      <span className="trow-name">{row.cluster ? `Cluster ${row.cluster}` : NO_CLUSTER}</span>
      <span className="trow-meta">
        {row.vmCount} {row.vmCount === 1 ? 'VM' : 'VMs'}
      </span>
    </div>
  );
}

function VmRow({ vm }: { vm: Vm }) {
  const key = vmKey(vm);
  const selected = useTopologyStore((s) => s.selected === key);
  const select = useTopologyStore((s) => s.select);
  const cpu = vm.cpuPercent;
  return (
    <div
      className={selected ? 'trow trow-vm selected' : 'trow trow-vm'}
      data-testid={`vm-${vm.name}`}
    >
      <button
        type="button"
        className="trow-name link"
        aria-pressed={selected}
        onClick={() => select(selected ? undefined : key)}
      >
        {vm.name}
      </button>
      <span className={`badge badge-${stateTone(vm)}`} data-testid={`vm-${vm.name}-state`}>
        {stateLabel(vm)}
      </span>
      <span className="trow-meta">
        {vm.vcpus} vCPU · {formatKiB(vm.memoryKiB)}
      </span>
      {cpu !== undefined && (
        <ResourceBar
          label={`CPU use of ${vm.name}`}
          percent={cpu / Math.max(1, vm.vcpus)}
          text={`CPU ${Math.round(cpu)}%`}
        />
      )}
      <VmActionError vm={vm} />
      <VmActions vm={vm} compact />
    </div>
  );
}
