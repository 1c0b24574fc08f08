import { Alert, AlertActionCloseButton, Button } from '@patternfly/react-core';
import { TimesIcon } from '@patternfly/react-icons';
import type { Vm, VmAction } from '../../../api/inventory-api';
import { useClient } from '../../app/client-context';
import { openConsole } from '../../console/console-store';
import { vmKey } from './inventory-reducer';
import { useTopologyStore } from './topology-store';

const VERBS: Record<VmAction, { label: string; busy: string }> = {
  start: { label: 'Start', busy: 'Starting…' },
  shutdown: { label: 'Shut down', busy: 'Shutting down…' },
  'force-off': { label: 'Force off', busy: 'Forcing off…' },
  reboot: { label: 'Reboot', busy: 'Rebooting…' },
};

/** The actions that make sense in a VM's state (the host decides in the end). */
export function actionsFor(vm: Pick<Vm, 'state' | 'stale'>): VmAction[] {
  if (vm.stale) return [];
  switch (vm.state) {
    case 'shut-off':
    case 'crashed':
      return ['start'];
    case 'running':
    case 'blocked':
      return ['shutdown', 'reboot', 'force-off'];
    case 'paused':
    case 'shutting-down':
    case 'suspended':
      return ['force-off'];
    default:
      return [];
  }
}

/**
 * Power buttons of one VM, named "Start web-1" and so on. While one action runs every button of
 * that VM is disabled and the running one says what it is doing.
 */
export function VmActions({ vm, compact }: { vm: Vm; compact?: boolean }) {
  const client = useClient();
  const key = vmKey(vm);
  const status = useTopologyStore((s) => s.actions[key]);
  const act = useTopologyStore((s) => s.act);
  const pending = status?.pending;
  const shown = actionsFor(vm);
  // Keep the running action's button visible even if the state moved on meanwhile.
  if (pending && !shown.includes(pending)) shown.unshift(pending);
  const size = compact ? 'sm' : 'default';
  return (
    <span className={compact ? 'vm-actions compact' : 'vm-actions'}>
      {shown.map((a) => (
        <Button
          key={a}
          variant={a === 'force-off' ? 'danger' : a === 'start' ? 'primary' : 'secondary'}
          size={size}
          aria-label={`${VERBS[a].label} ${vm.name}`}
          isLoading={pending === a}
          aria-busy={pending === a}
          isDisabled={pending !== undefined}
          data-testid={`vm-${vm.name}-${a}`}
          onClick={() => void act(client, vm, a)}
        >
          {pending === a ? VERBS[a].busy : VERBS[a].label}
        </Button>
      ))}
      {!vm.stale && (vm.state === 'running' || vm.state === 'paused') && (
        <Button
          variant="tertiary"
          size={size}
          aria-label={`Open console of ${vm.name}`}
          data-testid={`vm-${vm.name}-console`}
          onClick={() => openConsole({ hostId: vm.hostId, uuid: vm.uuid, name: vm.name })}
        >
          Console
        </Button>
      )}
    </span>
  );
}

/** The error of the VM's last action, where it happened, with a way to dismiss it. */
export function VmActionError({ vm, inline }: { vm: Vm; inline?: boolean }) {
  const key = vmKey(vm);
  const error = useTopologyStore((s) => s.actions[key]?.error);
  const dismiss = useTopologyStore((s) => s.dismissError);
  if (!error) return null;
  const label = `Dismiss error for ${vm.name}`;
  if (inline) {
    // The details panel has room for a full alert.
    return (
      <Alert
        isInline
        variant="danger"
        title={error}
        data-testid={`vm-${vm.name}-error`}
        actionClose={<AlertActionCloseButton aria-label={label} onClose={() => dismiss(key)} />}
      />
    );
  }
  return (
    <span className="vm-error">
      <span role="alert" data-testid={`vm-${vm.name}-error`} title={error}>
        {error}
      </span>
      <Button
        variant="plain"
        size="sm"
        aria-label={label}
        icon={<TimesIcon />}
        onClick={() => dismiss(key)}
      />
    </span>
  );
}
