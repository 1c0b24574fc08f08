import { Label, type LabelProps } from '@patternfly/react-core';
import type { StepStatus, TaskStatus } from '../../../api/tasks-api';
import { statusText, statusTone, type Tone } from './task-text';

const STATUS: Record<Tone, LabelProps['status'] | undefined> = {
  active: 'info',
  warn: 'warning',
  ok: 'success',
  bad: 'danger',
  ended: undefined,
};

/** A task's status as a label: the words always, the colour as a second signal. */
export function TaskStatusLabel({ status, testId }: { status: TaskStatus; testId?: string }) {
  const tone = STATUS[statusTone(status)];
  return (
    <Label status={tone} color={tone ? undefined : 'grey'} isCompact data-testid={testId}>
      {statusText(status)}
    </Label>
  );
}

const STEP_STATUS: Record<StepStatus, LabelProps['status'] | undefined> = {
  pending: undefined,
  running: 'info',
  done: 'success',
  failed: 'danger',
  cancelled: undefined,
  skipped: undefined,
  'rolled-back': undefined,
};

/** A step's status as a label, in words. */
export function StepStatusLabel({ status }: { status: StepStatus }) {
  const tone = STEP_STATUS[status];
  return (
    <Label status={tone} color={tone ? undefined : 'grey'} isCompact>
      {status.replace('-', ' ')}
    </Label>
  );
}
