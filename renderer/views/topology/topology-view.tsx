import { Title, ToolbarItem } from '@patternfly/react-core';
import { Suspense, useEffect, useMemo } from 'react';
import { useClient } from '../../app/client-context';
import { DetailsPanel } from './details-panel';
import { TopologyRowView } from './topology-row';
import { buildRows } from './topology-rows';
import { NoVmsHint, TopologyEmpty } from './topology-empty';
import { useTopologyStore } from './topology-store';
import { TopologyToolbar } from './topology-toolbar';
import { LazyTopologyMap } from './map/lazy-topology-map';
import { TopologyModeToggle } from './map/topology-mode-toggle';
import { useTopologyMode } from './map/use-topology-mode';
import { VirtualList } from './virtual-list';
import { MigrateDialogHost } from '../vm-ops/migrate-button';
import './topology.css';

/** Row height of the tree (px); fixed so the list can be windowed. */
export const TOPOLOGY_ROW_HEIGHT = 40;

/**
 * Topology: hosts -> clusters -> VMs, live, filterable, as a tree or as a map (the choice is
 * remembered), with one details panel and actions for both.
 */
export function TopologyView() {
  const client = useClient();
  const connect = useTopologyStore((s) => s.connect);
  useEffect(() => connect(client), [client, connect]);

  const { inventory, loaded, filter, collapsed, hostNames } = useTopologyStore();
  const [mode, setMode] = useTopologyMode();
  const rows = useMemo(
    () => buildRows(inventory, filter, collapsed, hostNames),
    [inventory, filter, collapsed, hostNames],
  );
  const vmCount = useMemo(() => rows.filter((r) => r.kind === 'vm').length, [rows]);
  const noVms = loaded && rows.length > 0 && Object.keys(inventory.vms).length === 0;

  return (
    <section className="topology" aria-labelledby="view-title">
      <header className="topology-header">
        <Title headingLevel="h1" id="view-title">
          Topology
        </Title>
        <TopologyToolbar loaded={loaded} vmCount={vmCount}>
          <ToolbarItem>
            <TopologyModeToggle mode={mode} onChange={setMode} />
          </ToolbarItem>
        </TopologyToolbar>
      </header>
      <TopologyEmpty rows={rows.length} vmCount={vmCount} />
      <div className="topology-body">
        {mode === 'map' ? (
          <Suspense fallback={<p>Loading the map…</p>}>
            <LazyTopologyMap />
          </Suspense>
        ) : (
          <div className="topology-tree-column">
            {/*
              The tree stays on the hand-made windowed list: PatternFly has no virtualized tree or
              table that keeps 5000 rows scrolling within a frame, so only the rows in view exist.
            */}
            <VirtualList
              className="topology-tree"
              label="Hosts, clusters and VMs"
              items={rows}
              rowHeight={TOPOLOGY_ROW_HEIGHT}
              itemKey={(r) => r.key}
              renderRow={(r) => <TopologyRowView row={r} />}
            />
            {noVms && <NoVmsHint />}
          </div>
        )}
        <DetailsPanel />
      </div>
      <MigrateDialogHost />
    </section>
  );
}
