import { Button } from '@patternfly/react-core';
import type { Vm } from '../../../api/inventory-api';
import { useMigrateClient } from './migrate-client';
import { MigrateDialog } from './migrate-dialog';
import { useMigrateStore } from './migrate-store';

/** "Migrate…" for one VM: the keyboard's way to what dropping it on a host in the map does. */
export function VmMigrateButton({ vm }: { vm: Vm }) {
  const show = useMigrateStore((s) => s.show);
  return (
    <Button
      variant="secondary"
      aria-label={`Migrate ${vm.name}`}
      isDisabled={vm.stale}
      data-testid={`vm-${vm.name}-migrate`}
      onClick={() => show({ hostId: vm.hostId, uuid: vm.uuid, name: vm.name })}
    >
      Migrate…
    </Button>
  );
}

/** The one migrate dialog of the topology, open while a request is (from the details or a drop). */
export function MigrateDialogHost() {
  const client = useMigrateClient();
  const request = useMigrateStore((s) => s.open);
  const close = useMigrateStore((s) => s.close);
  if (!request) return null;
  // Keyed by the request so a new drop starts a fresh dialog with its own target.
  return (
    <MigrateDialog
      key={`${request.hostId}/${request.uuid}/${request.targetHostId ?? ''}`}
      client={client}
      request={request}
      onClose={close}
    />
  );
}
