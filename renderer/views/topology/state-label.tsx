import { Label, type LabelProps } from '@patternfly/react-core';
import type { Vm } from '../../../api/inventory-api';
import { TimeAgo } from '../../app/time-ago';
import { stateLabel, stateTone } from './topology-rows';

const STATUS: Record<ReturnType<typeof stateTone>, LabelProps['status'] | undefined> = {
  ok: 'success',
  off: undefined,
  warn: 'warning',
  bad: 'danger',
  unknown: 'info',
};

/**
 * A VM's state as a PatternFly label: the words always, the colour as a second signal. A stale
 * VM reads "unknown (stale since 3 min ago)", with the exact time on hover.
 */
export function StateLabel({ vm, testId }: { vm: Vm; testId?: string }) {
  const tone = stateTone(vm);
  const status = STATUS[tone];
  return (
    <Label status={status} color={status ? undefined : 'grey'} isCompact data-testid={testId}>
      {vm.stale && vm.staleSince ? (
        <>
          unknown (stale since <TimeAgo when={vm.staleSince} />)
        </>
      ) : (
        stateLabel(vm)
      )}
    </Label>
  );
}
