import type { Operation } from '../../api/clusters-api';
import type { StepStatus, Task, TaskKind, TaskStatus } from '../../api/tasks-api';
import type { StepPatch } from '../tasks/task-runner';
import {
  ACTIVE_STATUSES,
  toOperation,
  type NodeRecord,
  type OperationRecord,
} from './operation-record';

/** The task kind that runs each kind of cluster operation. */
export const TASK_KIND = {
  create: 'cluster-create',
  'add-nodes': 'cluster-add-nodes',
  delete: 'cluster-delete',
} as const satisfies Record<Operation['kind'], TaskKind>;

export const CLUSTER_TASK_KINDS: ReadonlySet<TaskKind> = new Set(Object.values(TASK_KIND));

const FINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled', 'rolled-back']);

/**
 * An operation as the operations contract shows it: the runner's record (nodes, phases, the
 * operation's own outcome) under the engine's word on where the task stands, which alone knows
 * that Corral stopped while it ran (interrupted) or that a cancel was asked for.
 */
export function operationOf(task: Task, record: OperationRecord): Operation {
  const op = toOperation({ ...record, id: task.id });
  op.status = operationStatus(task.status, record.status);
  if (!op.endedAt && task.endedAt && FINAL.has(op.status)) op.endedAt = task.endedAt;
  if (!op.error && task.error && op.status !== 'succeeded') op.error = task.error;
  if (op.status === 'interrupted' || ACTIVE_STATUSES.has(op.status)) delete op.endedAt;
  return op;
}

function operationStatus(task: TaskStatus, own: Operation['status']): Operation['status'] {
  if (task === 'interrupted') return 'interrupted';
  // A final record tells more than the task: "cancelled" where the engine says it was undone.
  if (FINAL.has(task)) return FINAL.has(own) ? own : (task as Operation['status']);
  if (task === 'cancelling' || task === 'rolling-back') return task;
  return own === 'rolling-back' || own === 'cancelling' ? own : 'running';
}

/** A node's progress as its task step: the phase is the detail, its state the step's status. */
export function nodeStep(node: NodeRecord, kind: Operation['kind']): StepPatch {
  return {
    label: node.name,
    hostId: node.hostId,
    status: stepStatus(node.phase, kind),
    detail: node.phase,
    ...(node.error ? { error: node.error } : {}),
  };
}

function stepStatus(phase: NodeRecord['phase'], kind: Operation['kind']): StepStatus {
  switch (phase) {
    case 'queued':
      return 'pending';
    case 'ready':
      return 'done';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'rolled-back':
      // For a delete, gone is what was asked.
      return kind === 'delete' ? 'done' : 'rolled-back';
    default:
      return 'running';
  }
}

/** What the Tasks tab lists for an operation. */
export function operationTitle(record: OperationRecord): string {
  const n = record.nodes.length;
  const nodes = `${n} node${n === 1 ? '' : 's'}`;
  switch (record.kind) {
    case 'create':
      return `Create cluster ${record.cluster} (${nodes})`;
    case 'add-nodes':
      return `Add ${nodes} to cluster ${record.cluster}`;
    case 'delete':
      return `Delete cluster ${record.cluster} (${nodes})`;
  }
}
