import { Button, Label } from '@patternfly/react-core';
import { AngleDownIcon, AngleRightIcon, InfoCircleIcon } from '@patternfly/react-icons';
import type { HostFacts, Vm } from '../../../api/inventory-api';
import { TimeAgo } from '../../app/time-ago';
import { Sparkline } from './charts/load-charts';
import { vmKey } from './inventory-reducer';
import { ResourceBar, formatKiB } from './resource-bar';
import { StateLabel } from './state-label';
import { NO_CLUSTER, hostLabel, type TopologyRow } from './topology-rows';
import { useTopologyStore } from './topology-store';
import { VmActionError, VmActions } from './vm-actions';
import { programDropProps } from '../jobs/program-drop';

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
    <Button
      variant="plain"
      size="sm"
      className="tree-toggle"
      aria-expanded={open}
      aria-label={`${open ? 'Collapse' : 'Expand'} ${label}`}
      icon={open ? <AngleDownIcon /> : <AngleRightIcon />}
      onClick={() => toggle(groupKey)}
    />
  );
}

/** A host's status as words (the time of a drop is shown beside it, relative). */
export function hostStateText(facts?: HostFacts): string {
  if (!facts) return 'connecting';
  return facts.stale ? 'unreachable' : 'online';
}

/** A host's status as a label: "online", "unreachable since 3 min ago" (exact time on hover). */
export function HostStateLabel({ facts, testId }: { facts?: HostFacts; testId?: string }) {
  const status = facts?.stale ? 'danger' : facts ? 'success' : 'info';
  return (
    <Label status={status} isCompact data-testid={testId}>
      {hostStateText(facts)}
      {facts?.stale && facts.staleSince && (
        <>
          {' since '}
          <TimeAgo when={facts.staleSince} />
        </>
      )}
    </Label>
  );
}

function HostRow({ row }: { row: Extract<TopologyRow, { kind: 'host' }> }) {
  const names = useTopologyStore((s) => s.hostNames);
  const shown = useTopologyStore((s) => s.selectedHost === row.hostId);
  const selectHost = useTopologyStore((s) => s.selectHost);
  const f = row.facts;
  const label = hostLabel(row.hostId, f, names);
  const used = f ? f.memoryKiB - f.freeMemoryKiB : 0;
  const subject = { kind: 'host', hostId: row.hostId } as const;
  return (
    <div
      className={shown ? 'trow trow-host selected' : 'trow trow-host'}
      data-testid={`host-${label}`}
    >
      <Toggle groupKey={row.key} label={label} />
      <span className="trow-name" role="heading" aria-level={2}>
        {label}
      </span>
      <HostStateLabel facts={f} testId={`host-${label}-state`} />
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
          <Sparkline
            subject={subject}
            metric="memory"
            label={`Memory of ${label}`}
            maxKiB={f.memoryKiB}
          />
          <ResourceBar
            label={`CPU use on ${label}`}
            percent={f.cpuPercent}
            text={`CPU ${Math.round(f.cpuPercent)}%`}
          />
          <Sparkline subject={subject} metric="cpu" label={`CPU of ${label}`} />
        </>
      )}
      <Button
        variant="plain"
        size="sm"
        className="trow-end"
        aria-label={`Details of host ${label}`}
        aria-pressed={shown}
        icon={<InfoCircleIcon />}
        onClick={() => selectHost(shown ? undefined : row.hostId)}
      />
    </div>
  );
}

function ClusterRow({ row }: { row: Extract<TopologyRow, { kind: 'cluster' }> }) {
  const name = row.cluster ?? NO_CLUSTER;
  // A cluster's row takes a dropped program to run on it.
  const drop = row.cluster ? programDropProps(row.cluster) : {};
  return (
    <div className="trow trow-cluster" {...drop}>
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
  const subject = { kind: 'vm', hostId: vm.hostId, uuid: vm.uuid } as const;
  return (
    <div
      className={selected ? 'trow trow-vm selected' : 'trow trow-vm'}
      data-testid={`vm-${vm.name}`}
    >
      <Button
        variant="link"
        isInline
        className="trow-name"
        aria-pressed={selected}
        title={vm.name}
        onClick={() => select(selected ? undefined : key)}
      >
        {vm.name}
      </Button>
      <StateLabel vm={vm} testId={`vm-${vm.name}-state`} />
      <span className="trow-meta">
        {vm.vcpus} vCPU · {formatKiB(vm.memoryKiB)}
      </span>
      {vm.state === 'running' && !vm.stale && (
        <>
          <Sparkline subject={subject} metric="cpu" label={`CPU of ${vm.name}`} />
          <Sparkline
            subject={subject}
            metric="memory"
            label={`Memory of ${vm.name}`}
            maxKiB={vm.maxMemoryKiB}
          />
        </>
      )}
      <VmActionError vm={vm} />
      <VmActions vm={vm} compact />
    </div>
  );
}
