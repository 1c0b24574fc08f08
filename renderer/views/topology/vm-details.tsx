import type { Vm } from '../../../api/inventory-api';
import { formatKiB } from './resource-bar';
import { hostLabel, stateLabel, stateTone } from './topology-rows';
import { useTopologyStore } from './topology-store';
import { VmActionError, VmActions } from './vm-actions';

/** Everything known about one VM: facts, disks, NICs with addresses, membership, actions. */
export function VmDetails({ vm }: { vm: Vm }) {
  const host = useTopologyStore((s) => s.inventory.hosts[vm.hostId]);
  const names = useTopologyStore((s) => s.hostNames);
  const select = useTopologyStore((s) => s.select);
  const titleId = `vm-details-${vm.uuid}`;
  return (
    <aside className="vm-details" aria-labelledby={titleId} data-testid="vm-details">
      <header>
        <h2 id={titleId}>Details of {vm.name}</h2>
        <button type="button" aria-label="Close details" onClick={() => select(undefined)}>
          ×
        </button>
      </header>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <span className={`badge badge-${stateTone(vm)}`} data-testid="vm-details-state">
            {stateLabel(vm)}
          </span>
        </dd>
        <dt>Host</dt>
        <dd>{hostLabel(vm.hostId, host, names)}</dd>
        <dt>vCPUs</dt>
        <dd>{vm.vcpus}</dd>
        <dt>Memory</dt>
        <dd>
          {formatKiB(vm.memoryKiB)} of {formatKiB(vm.maxMemoryKiB)}
        </dd>
        <dt>CPU</dt>
        <dd>{vm.cpuPercent === undefined ? '—' : `${Math.round(vm.cpuPercent)}%`}</dd>
        <dt>Cluster</dt>
        <dd data-testid="vm-details-cluster">
          {vm.membership
            ? `${vm.membership.cluster} (node ${vm.membership.index}, owner ${vm.membership.owner})`
            : 'none'}
        </dd>
        <dt>UUID</dt>
        <dd className="mono">{vm.uuid}</dd>
      </dl>
      <VmActionError vm={vm} />
      <VmActions vm={vm} />
      <h3>Disks</h3>
      {vm.disks.length === 0 ? (
        <p>No disks.</p>
      ) : (
        <table aria-label={`Disks of ${vm.name}`}>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Source</th>
              <th scope="col">Format</th>
            </tr>
          </thead>
          <tbody>
            {vm.disks.map((d) => (
              <tr key={d.target}>
                <td>{d.device && d.device !== 'disk' ? `${d.target} (${d.device})` : d.target}</td>
                <td className="mono">{d.source ?? '—'}</td>
                <td>{d.format ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Network</h3>
      {vm.nics.length === 0 ? (
        <p>No network interfaces.</p>
      ) : (
        <table aria-label={`Network interfaces of ${vm.name}`}>
          <thead>
            <tr>
              <th scope="col">MAC</th>
              <th scope="col">Attached to</th>
              <th scope="col">Model</th>
              <th scope="col">Addresses</th>
            </tr>
          </thead>
          <tbody>
            {vm.nics.map((n) => (
              <tr key={n.mac}>
                <td className="mono">{n.mac}</td>
                <td>{n.source ?? '—'}</td>
                <td>{n.model ?? '—'}</td>
                <td>{n.addresses.length ? n.addresses.join(', ') : 'unknown'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}
