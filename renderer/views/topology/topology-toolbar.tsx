import { SearchInput, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { useTopologyStore } from './topology-store';

/** The filter and the count of what it shows; `children` adds items (e.g. the view toggle). */
export function TopologyToolbar(props: { loaded: boolean; vmCount: number; children?: ReactNode }) {
  const filter = useTopologyStore((s) => s.filter);
  const setFilter = useTopologyStore((s) => s.setFilter);
  const { loaded, vmCount } = props;
  return (
    <Toolbar className="topology-toolbar">
      <ToolbarContent>
        <ToolbarItem>
          <SearchInput
            aria-label="Filter"
            placeholder="Filter by name, host or state"
            value={filter}
            onChange={(_e, value) => setFilter(value)}
            onClear={() => setFilter('')}
          />
        </ToolbarItem>
        {props.children}
        <ToolbarItem alignSelf="center">
          <span className="topology-count" role="status" data-testid="topology-count">
            {loaded ? `${vmCount} ${vmCount === 1 ? 'VM' : 'VMs'} shown` : 'Loading…'}
          </span>
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
}
