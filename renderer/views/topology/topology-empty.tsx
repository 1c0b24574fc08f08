import {
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Spinner,
} from '@patternfly/react-core';
import { CubesIcon, SearchIcon } from '@patternfly/react-icons';
import { useIsAdmin } from '../../app/user-context';
import { useAppStore } from '../../state/app-store';
import { useTopologyStore } from './topology-store';

/**
 * What the topology shows instead of the tree when there is nothing to show, each with the next
 * step: loading, the inventory could not be read, no host, no VM, nothing matches the filter.
 * Null when the tree has rows.
 */
export function TopologyEmpty(props: { rows: number; vmCount: number }) {
  const { loaded, loadError, filter, inventory } = useTopologyStore();
  const setFilter = useTopologyStore((s) => s.setFilter);
  const show = useAppStore((s) => s.show);
  const admin = useIsAdmin();
  if (!loaded) {
    return (
      <EmptyState titleText="Reading the inventory" headingLevel="h2" icon={Spinner}>
        <EmptyStateBody>Hosts and VMs appear as soon as the hosts answer.</EmptyStateBody>
      </EmptyState>
    );
  }
  if (loadError) {
    return (
      <EmptyState titleText="Could not read the inventory" headingLevel="h2" status="danger">
        <EmptyStateBody>
          <span role="alert">Could not read the inventory: {loadError}</span>
          <br />
          Reload the page to try again; if you were signed out, sign in again first.
        </EmptyStateBody>
      </EmptyState>
    );
  }
  const hosts = Object.keys(inventory.hosts).length;
  if (hosts === 0) {
    return (
      <EmptyState titleText="No host is online yet" headingLevel="h2" icon={CubesIcon}>
        <EmptyStateBody>
          {admin
            ? 'Add a libvirt host under Hosts, or wait for one that is connecting.'
            : 'The administrator has not added a host yet, or none answers. Ask them to add one.'}
        </EmptyStateBody>
        {admin && (
          <EmptyStateFooter>
            <EmptyStateActions>
              <Button variant="primary" onClick={() => show('hosts')}>
                Go to Hosts
              </Button>
            </EmptyStateActions>
          </EmptyStateFooter>
        )}
      </EmptyState>
    );
  }
  if (props.vmCount > 0 || (props.rows > 0 && filter.trim() === '')) return null;
  if (filter.trim() !== '') {
    return (
      <EmptyState titleText="No VM matches the filter" headingLevel="h2" icon={SearchIcon}>
        <EmptyStateBody>Nothing matches “{filter}”. Change or clear the filter.</EmptyStateBody>
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="link" onClick={() => setFilter('')}>
              Clear the filter
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      </EmptyState>
    );
  }
  return null;
}

/** Shown under the hosts when no host has a VM yet. */
export function NoVmsHint() {
  const show = useAppStore((s) => s.show);
  return (
    <EmptyState titleText="No VMs yet" headingLevel="h2" icon={CubesIcon} variant="sm">
      <EmptyStateBody>Create a cluster to get VMs on these hosts.</EmptyStateBody>
      <EmptyStateFooter>
        <EmptyStateActions>
          <Button variant="primary" onClick={() => show('clusters')}>
            Go to Clusters
          </Button>
        </EmptyStateActions>
      </EmptyStateFooter>
    </EmptyState>
  );
}
