import type { LabelProps } from '@patternfly/react-core';
import type { Operation } from '../../../api/clusters-api';

type Phase = Operation['nodes'][number]['phase'];
type Status = Operation['status'];

/** A node phase's label colour; the phase itself is always written out as text. */
export function phaseColor(phase: Phase): LabelProps['color'] {
  if (phase === 'ready') return 'green';
  if (phase === 'failed') return 'red';
  if (phase === 'cancelled' || phase === 'rolled-back') return 'grey';
  if (phase === 'queued') return 'grey';
  return 'blue';
}

/** An operation status's label colour (the status is written out as text beside it). */
export function statusColor(status: Status): LabelProps['color'] {
  if (status === 'succeeded') return 'green';
  if (status === 'failed') return 'red';
  if (status === 'interrupted') return 'orange';
  if (status === 'running' || status === 'cancelling' || status === 'rolling-back') return 'blue';
  return 'grey';
}
