import type { Task, TaskKind, TaskStatus, TaskTarget } from '../../../api/tasks-api';

const KIND_TEXT: Record<TaskKind, string> = {
  'cluster-create': 'Cluster create',
  'cluster-add-nodes': 'Cluster add nodes',
  'cluster-delete': 'Cluster delete',
  'image-upload': 'Image upload',
  'vm-resize': 'VM resize',
  'cluster-resize': 'Cluster resize',
  'snapshot-create': 'Snapshot create',
  'snapshot-revert': 'Snapshot revert',
  'snapshot-delete': 'Snapshot delete',
  'checkpoint-create': 'Checkpoint create',
  'checkpoint-revert': 'Checkpoint revert',
  'checkpoint-delete': 'Checkpoint delete',
  'vm-migrate': 'VM migrate',
  balance: 'Balance hosts',
  'mpi-job': 'MPI job',
};

/** A kind as people read it in the table and the kind filter. */
export function kindText(kind: TaskKind): string {
  return KIND_TEXT[kind];
}

/** Every kind, in the order the filter lists them. */
export const KINDS = Object.keys(KIND_TEXT) as TaskKind[];

/** A status as words: the label shows these, its colour is only a second signal. */
export function statusText(status: TaskStatus): string {
  return status.replace('-', ' ');
}

export type Tone = 'active' | 'warn' | 'ok' | 'bad' | 'ended';

const TONE: Record<TaskStatus, Tone> = {
  queued: 'active',
  running: 'active',
  cancelling: 'active',
  'rolling-back': 'active',
  interrupted: 'warn',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'ended',
  'rolled-back': 'ended',
};

export function statusTone(status: TaskStatus): Tone {
  return TONE[status];
}

/** Still moving: counts in the tab's "n running" and keeps its duration ticking. */
export function isActive(status: TaskStatus): boolean {
  return TONE[status] === 'active';
}

/** Nothing more will happen to it. */
export function isFinal(status: TaskStatus): boolean {
  return (
    status === 'succeeded' ||
    status === 'failed' ||
    status === 'cancelled' ||
    status === 'rolled-back'
  );
}

/** What the state filter offers: everything still moving as one choice, then each end state. */
export type StateFilter =
  'active' | 'interrupted' | 'succeeded' | 'failed' | 'cancelled' | 'rolled-back';

export const STATE_FILTERS: ReadonlyArray<{ value: StateFilter; label: string }> = [
  { value: 'active', label: 'Running or queued' },
  { value: 'interrupted', label: 'Interrupted' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'rolled-back', label: 'Rolled back' },
];

function inState(status: TaskStatus, state: StateFilter): boolean {
  return state === 'active' ? isActive(status) : status === state;
}

/** A target as the table names it: the VM, the cluster, or pool/volume. */
export function targetText(target: TaskTarget): string {
  switch (target.kind) {
    case 'vm':
      return target.name;
    case 'cluster':
      return target.cluster;
    case 'image':
      return `${target.pool}/${target.volume}`;
  }
}

/** The name the target filter matches, as core's `target` filter does (VM, cluster or volume). */
function targetName(target: TaskTarget): string {
  return target.kind === 'vm'
    ? target.name
    : target.kind === 'cluster'
      ? target.cluster
      : target.volume;
}

export interface TaskFilterValue {
  kind?: TaskKind;
  state?: StateFilter;
  /** Substring of a target's name, any case. */
  target: string;
}

/** The tasks the toolbar's filters let through, in the order given. */
export function filterTasks(tasks: readonly Task[], f: TaskFilterValue): Task[] {
  const needle = f.target.trim().toLowerCase();
  return tasks.filter(
    (t) =>
      (!f.kind || t.kind === f.kind) &&
      (!f.state || inState(t.status, f.state)) &&
      (!needle || t.targets.some((x) => targetName(x).toLowerCase().includes(needle))),
  );
}

/** How long it ran (to `now` while it runs), in milliseconds; 0 for a time that does not parse. */
export function durationMs(task: Pick<Task, 'startedAt' | 'endedAt'>, now: number): number {
  const start = Date.parse(task.startedAt);
  const end = task.endedAt ? Date.parse(task.endedAt) : now;
  return Number.isNaN(start) || Number.isNaN(end) ? 0 : Math.max(0, end - start);
}

/** A duration as people say it: `850 ms`, `42 s`, `3 min 5 s`, `2 h 4 min`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Newest first; equal start times keep a stable order by id. */
export function newestFirst(a: Task, b: Task): number {
  return b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);
}

/** How many tasks the store keeps: the table shows the latest, core keeps the whole history. */
export const MAX_TASKS = 1000;

/** The list with `task` put in by id (a newer copy replaces the older), newest first. */
export function mergeTask(list: readonly Task[], task: Task): Task[] {
  const rest = list.filter((t) => t.id !== task.id);
  return [...rest, task].sort(newestFirst).slice(0, MAX_TASKS);
}

/**
 * The first list merged with what events already pushed: a pushed copy is newer than the answer
 * to a request sent before it arrived, so it wins.
 */
export function mergeListed(listed: readonly Task[], pushed: readonly Task[]): Task[] {
  const seen = new Set(pushed.map((t) => t.id));
  return [...listed.filter((t) => !seen.has(t.id)), ...pushed]
    .sort(newestFirst)
    .slice(0, MAX_TASKS);
}

/** How many are still moving (the Tasks tab's badge). */
export function runningCount(tasks: readonly Task[]): number {
  return tasks.filter((t) => isActive(t.status)).length;
}
