import { HostDetails } from './host-details';
import { useTopologyStore } from './topology-store';
import { VmDetails } from './vm-details';

/** The details of the selected VM or host (from the tree or the map), or nothing. */
export function DetailsPanel() {
  const vm = useTopologyStore((s) => (s.selected ? s.inventory.vms[s.selected] : undefined));
  const hostId = useTopologyStore((s) =>
    s.selectedHost && s.inventory.hosts[s.selectedHost] ? s.selectedHost : undefined,
  );
  if (vm) return <VmDetails vm={vm} />;
  if (hostId) return <HostDetails hostId={hostId} />;
  return null;
}
