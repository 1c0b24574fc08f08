import { Button } from '@patternfly/react-core';
import { useState } from 'react';
import type { HostFacts, Vm } from '../../../api/inventory-api';
import { ClusterResizeDialog, ResizeDialog } from './resize-dialog';
import { currentOfVm } from './resize-form';
import { useVmOpsClient } from './vm-ops-client';

/** "Resize…" for one VM, opening the resize dialog with its sizes now. */
export function VmResizeButton({ vm, host }: { vm: Vm; host?: HostFacts }) {
  const client = useVmOpsClient();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="secondary"
        aria-label={`Resize ${vm.name}`}
        isDisabled={vm.stale}
        data-testid={`vm-${vm.name}-resize`}
        onClick={() => setOpen(true)}
      >
        Resize…
      </Button>
      {open && (
        <ResizeDialog
          client={client}
          target={{ kind: 'vm', hostId: vm.hostId, uuid: vm.uuid, name: vm.name }}
          current={currentOfVm(vm, host)}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

/** "Resize nodes…" for a cluster: every node at once, one task. */
export function ClusterResizeButton({ cluster, busy }: { cluster: string; busy: boolean }) {
  const client = useVmOpsClient();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="secondary"
        aria-label={`Resize nodes of ${cluster}`}
        isDisabled={busy}
        onClick={() => setOpen(true)}
      >
        Resize nodes…
      </Button>
      {open && (
        <ClusterResizeDialog client={client} cluster={cluster} onClose={() => setOpen(false)} />
      )}
    </>
  );
}
