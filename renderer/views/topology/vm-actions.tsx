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
  return (
    <span className={compact ? 'vm-actions compact' : 'vm-actions'}>
      {shown.map((a) => (
        <button
          key={a}
          type="button"
          className={a === 'force-off' ? 'danger' : undefined}
          aria-label={`${VERBS[a].label} ${vm.name}`}
          aria-busy={pending === a}
          disabled={pending !== undefined}
          data-testid={`vm-${vm.name}-${a}`}
          onClick={() => void act(client, vm, a)}
        >
          {pending === a ? VERBS[a].busy : VERBS[a].label}
        </button>
      ))}
      {!vm.stale && (vm.state === 'running' || vm.state === 'paused') && (
        <button
          type="button"
          aria-label={`Open console of ${vm.name}`}
          data-testid={`vm-${vm.name}-console`}
          onClick={() => openConsole({ hostId: vm.hostId, uuid: vm.uuid, name: vm.name })}
        >
          Console
        </button>
      )}
    </span>
  );
}

/** The error of the VM's last action, where it happened, with a way to dismiss it. */
export function VmActionError({ vm }: { vm: Vm }) {
  const key = vmKey(vm);
  const error = useTopologyStore((s) => s.actions[key]?.error);
  const dismiss = useTopologyStore((s) => s.dismissError);
  if (!error) return null;
  return (
    <span className="vm-error">
      <span role="alert" data-testid={`vm-${vm.name}-error`} title={error}>
        {error}
      </span>
      <button
        type="button"
        aria-label={`Dismiss error for ${vm.name}`}
        onClick={() => dismiss(key)}
      >
        ×
      </button>
    </span>
  );
}
