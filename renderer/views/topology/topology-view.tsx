import { Title } from '@patternfly/react-core';
import { useEffect, useMemo } from 'react';
import { useClient } from '../../app/client-context';
import { DetailsPanel } from './details-panel';
import { TopologyRowView } from './topology-row';
import { buildRows } from './topology-rows';
import { NoVmsHint, TopologyEmpty } from './topology-empty';
import { useTopologyStore } from './topology-store';
import { TopologyToolbar } from './topology-toolbar';
import { VirtualList } from './virtual-list';
import './topology.css';

/** Row height of the tree (px); fixed so the list can be windowed. */
export const TOPOLOGY_ROW_HEIGHT = 40;

/** Topology (issue 5): hosts -> clusters -> VMs, live, filterable, with details and actions. */
export function TopologyView() {
  const client = useClient();
  const connect = useTopologyStore((s) => s.connect);
  useEffect(() => connect(client), [client, connect]);

  const { inventory, loaded, filter, collapsed, hostNames } = useTopologyStore();
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
        <TopologyToolbar loaded={loaded} vmCount={vmCount} />
      </header>
      <TopologyEmpty rows={rows.length} vmCount={vmCount} />
      <div className="topology-body">
        {/*
          The tree stays on the hand-made windowed list: PatternFly has no virtualized tree or
          table that keeps 5000 rows scrolling within a frame, so only the rows in view exist.
        */}
        <div className="topology-tree-column">
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
        <DetailsPanel />
      </div>
    </section>
  );
}
