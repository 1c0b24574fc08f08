import { z } from 'zod';
import { event, method } from './contract';
import { HostId } from './hosts-api';
import { DomainUuid } from './inventory-api';

/** Every kind of long operation Corral runs; each has one runner in core/tasks. */
export const TaskKind = z.enum([
  'cluster-create',
  'cluster-add-nodes',
  'cluster-delete',
  'image-upload',
  'vm-resize',
  'cluster-resize',
  'snapshot-create',
  'snapshot-revert',
  'snapshot-delete',
  'checkpoint-create',
  'checkpoint-revert',
  'checkpoint-delete',
  'vm-migrate',
  'balance',
  'mpi-job',
]);
export type TaskKind = z.infer<typeof TaskKind>;

/**
 * Where a task stands. `interrupted`: Corral stopped while it ran (resume or roll back where the
 * kind allows it). The last four are final.
 */
export const TaskStatus = z.enum([
  'queued',
  'running',
  'cancelling',
  'rolling-back',
  'interrupted',
  'succeeded',
  'failed',
  'cancelled',
  'rolled-back',
]);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** What a task acts on (what the Tasks tab filters by "target"). */
export const TaskTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vm'), hostId: HostId, uuid: DomainUuid, name: z.string() }),
  z.object({ kind: z.literal('cluster'), cluster: z.string() }),
  z.object({ kind: z.literal('image'), hostId: HostId, pool: z.string(), volume: z.string() }),
]);
export type TaskTarget = z.infer<typeof TaskTarget>;

export const StepStatus = z.enum([
  'pending',
  'running',
  'done',
  'failed',
  'cancelled',
  'skipped',
  'rolled-back',
]);
export type StepStatus = z.infer<typeof StepStatus>;

/** One step of a task: a node of a cluster operation, a phase of a resize, a VM of a checkpoint. */
export const TaskStep = z.object({
  /** Stable within the task (e.g. the node's name). */
  id: z.string(),
  label: z.string(),
  status: StepStatus,
  /** What it is doing now or what it measured ("cloning", "paused 412 ms"). */
  detail: z.string().optional(),
  hostId: HostId.optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
});
export type TaskStep = z.infer<typeof TaskStep>;

export const TaskLogLine = z.object({
  /** ISO time. */
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  text: z.string(),
});
export type TaskLogLine = z.infer<typeof TaskLogLine>;

/** A long operation as the Tasks tab shows it; also the audit log (who did what, when, result). */
export const Task = z.object({
  id: z.string(),
  kind: TaskKind,
  /** What a person reads in the list ("Resize web-2: memory 2048 MiB"). */
  title: z.string(),
  ownerId: z.string(),
  status: TaskStatus,
  targets: z.array(TaskTarget),
  /** 0 to 1, when the runner can tell. */
  progress: z.number().min(0).max(1).optional(),
  /** Seconds left, when the runner can estimate it (a migration from libvirt's job statistics). */
  remainingSeconds: z.number().nonnegative().optional(),
  steps: z.array(TaskStep),
  /** The latest lines (bounded); the oldest are dropped first. */
  log: z.array(TaskLogLine),
  /** ISO times. */
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
  /** What the owner may do now. */
  actions: z.object({ cancel: z.boolean(), resume: z.boolean(), rollback: z.boolean() }),
});
export type Task = z.infer<typeof Task>;

export const TaskRef = z.object({ id: z.string().min(1).max(64) }).strict();

export const TaskFilter = z
  .object({
    kind: TaskKind.optional(),
    status: TaskStatus.optional(),
    /** Matches a target's VM name, cluster or volume (substring, case-insensitive). */
    target: z.string().max(128).optional(),
    /** Newest first, at most this many. */
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const tasksApi = {
  /** The caller's tasks (everyone's for the administrator), newest first, running and finished. */
  list: method(TaskFilter, z.array(Task)),
  get: method(TaskRef, Task),
  /** Where the kind allows it: stops at the next safe point and undoes what it did. */
  cancel: method(TaskRef, Task),
  /** An interrupted task: carry on from its journal. */
  resume: method(TaskRef, Task),
  /** An interrupted or failed task: undo what it did. */
  rollback: method(TaskRef, Task),
  /** Every change of a task the caller may see. */
  onChanged: event(Task),
} as const;
