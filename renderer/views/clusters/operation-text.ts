import type { Operation } from '../../../api/clusters-api';

type OperationNode = Operation['nodes'][number];
type Phase = OperationNode['phase'];

const PHASE_TEXT: Record<Phase, string> = {
  queued: 'queued',
  cloning: 'cloning',
  seeding: 'seeding',
  defining: 'defining',
  starting: 'starting',
  'waiting-ssh': 'waiting for SSH',
  configuring: 'configuring',
  ready: 'ready',
  failed: 'failed',
  cancelled: 'cancelled',
  'rolled-back': 'rolled back',
};

/** How far along each phase is, for the progress bar (ready = 7 of 7). */
const PHASE_STEP: Record<Phase, number> = {
  queued: 0,
  cloning: 1,
  seeding: 2,
  defining: 3,
  starting: 4,
  'waiting-ssh': 5,
  configuring: 6,
  ready: 7,
  // Ended one way or another: nothing more will happen to this node.
  failed: 7,
  cancelled: 7,
  'rolled-back': 7,
};
const LAST_STEP = 7;

/** A node's phase as people read it: `waiting for SSH`, `failed: <error>`. */
export function phaseText(node: Pick<OperationNode, 'phase' | 'error'>): string {
  const text = PHASE_TEXT[node.phase];
  return node.phase === 'failed' ? `${text}: ${node.error ?? 'unknown error'}` : text;
}

/** 0-100: the share of per-node steps done; 100 once the operation has ended. */
export function progressPercent(op: Pick<Operation, 'status' | 'nodes'>): number {
  if (!isActive(op) && op.status !== 'interrupted') return 100;
  if (op.nodes.length === 0) return 0;
  const done = op.nodes.reduce((sum, n) => sum + PHASE_STEP[n.phase], 0);
  return Math.round((100 * done) / (LAST_STEP * op.nodes.length));
}

const KIND_TEXT: Record<Operation['kind'], string> = {
  create: 'Create',
  'add-nodes': 'Add nodes to',
  delete: 'Delete',
};

/** `Create demo`, `Add nodes to demo`, `Delete demo`. */
export function operationTitle(op: Pick<Operation, 'kind' | 'cluster'>): string {
  return `${KIND_TEXT[op.kind]} ${op.cluster}`;
}

const STATUS_TEXT: Record<Operation['status'], string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelling: 'cancelling',
  cancelled: 'cancelled',
  interrupted: 'interrupted: Corral stopped while it ran',
  'rolling-back': 'rolling back',
  'rolled-back': 'rolled back',
};

/** The operation's status as text, with its error when it failed. */
export function statusText(op: Pick<Operation, 'status' | 'error'>): string {
  const text = STATUS_TEXT[op.status];
  return op.error && (op.status === 'failed' || op.status === 'interrupted')
    ? `${text} (${op.error})`
    : text;
}

/** Still moving: its nodes may change phase. */
export function isActive(op: Pick<Operation, 'status'>): boolean {
  return op.status === 'running' || op.status === 'cancelling' || op.status === 'rolling-back';
}

export const canCancel = (op: Pick<Operation, 'status'>) => op.status === 'running';
export const canResume = (op: Pick<Operation, 'status'>) => op.status === 'interrupted';
export const canRollBack = (op: Pick<Operation, 'status'>) =>
  op.status === 'interrupted' || op.status === 'failed';

/** The list with `op` put in (a newer report of the same id replaces the older one). */
export function mergeOperation(list: readonly Operation[], op: Operation): Operation[] {
  const rest = list.filter((o) => o.id !== op.id);
  return sortOperations([...rest, op]);
}

const RANK: Record<Operation['status'], number> = {
  interrupted: 0,
  running: 1,
  cancelling: 1,
  'rolling-back': 1,
  failed: 2,
  succeeded: 3,
  cancelled: 3,
  'rolled-back': 3,
};

/** Interrupted first (they need a decision), then running, then the rest; newest first within. */
export function sortOperations(list: readonly Operation[]): Operation[] {
  return [...list].sort(
    (a, b) => RANK[a.status] - RANK[b.status] || b.startedAt.localeCompare(a.startedAt),
  );
}
