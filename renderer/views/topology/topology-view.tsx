import { Suspense, useEffect, useMemo } from 'react';
import { useClient } from '../../app/client-context';
import { TopologyRowView } from './topology-row';
import { buildRows } from './topology-rows';
import { useTopologyStore } from './topology-store';
import { LazyTopologyMap } from './map/lazy-topology-map';
import { TopologyModeToggle } from './map/topology-mode-toggle';
import { useTopologyMode } from './map/use-topology-mode';
import { VirtualList } from './virtual-list';
import { VmDetails } from './vm-details';
import './topology.css';

/** Row height of the tree (px); fixed so the list can be windowed. */
export const TOPOLOGY_ROW_HEIGHT = 40;

/** Topology (issue 5): hosts -> clusters -> VMs, live, filterable, with details and actions. */
export function TopologyView() {
  const client = useClient();
  const connect = useTopologyStore((s) => s.connect);
  useEffect(() => connect(client), [client, connect]);

  const { inventory, loaded, loadError, filter, collapsed, hostNames, selected } =
    useTopologyStore();
  const setFilter = useTopologyStore((s) => s.setFilter);
  const [mode, setMode] = useTopologyMode();
  const rows = useMemo(
    () => buildRows(inventory, filter, collapsed, hostNames),
    [inventory, filter, collapsed, hostNames],
  );
  const vmCount = useMemo(() => rows.filter((r) => r.kind === 'vm').length, [rows]);
  const selectedVm = selected ? inventory.vms[selected] : undefined;
  const noHosts = loaded && Object.keys(inventory.hosts).length === 0;

  return (
    <section className="topology" aria-labelledby="view-title">
      <header className="topology-header">
        <h1 id="view-title">Topology</h1>
        <TopologyModeToggle mode={mode} onChange={setMode} />
        <label className="topology-filter">
          Filter
          <input
            type="search"
            value={filter}
            placeholder="name, host or state"
            onChange={(e) => setFilter(e.currentTarget.value)}
          />
        </label>
        <span className="topology-count" role="status" data-testid="topology-count">
          {loaded ? `${vmCount} ${vmCount === 1 ? 'VM' : 'VMs'} shown` : 'Loading…'}
        </span>
      </header>
      {loadError && <p role="alert">Could not read the inventory: {loadError}</p>}
      {noHosts && <p>No host is online yet. Add one under Hosts.</p>}
      <div className="topology-body">
        {mode === 'map' ? (
          <Suspense fallback={<p>Loading the map…</p>}>
            <LazyTopologyMap />
          </Suspense>
        ) : (
          <VirtualList
            className="topology-tree"
            label="Hosts, clusters and VMs"
            items={rows}
            rowHeight={TOPOLOGY_ROW_HEIGHT}
            itemKey={(r) => r.key}
            renderRow={(r) => <TopologyRowView row={r} />}
          />
        )}
        {selectedVm && <VmDetails vm={selectedVm} />}
      </div>
    </section>
  );
}
