import { z } from 'zod';
import { ClusterName } from './clusters-api';
import { method } from './contract';
import { VmRef, VmState } from './inventory-api';
import { Task } from './tasks-api';

/** A snapshot's (or checkpoint's) name: safe in libvirt, in a file name and in a shell word. */
export const SnapshotName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore only');

const Description = z
  .string()
  .max(1000)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters or line breaks')
  .optional();

/** One snapshot of a VM; `parent` links the tree. */
export const Snapshot = z.object({
  name: z.string(),
  description: z.string().optional(),
  /** ISO time. */
  createdAt: z.string(),
  /** The state the VM goes back to on revert. */
  state: VmState,
  /** True when it holds the running memory (reverts to a running or paused VM). */
  withMemory: z.boolean(),
  parent: z.string().optional(),
  current: z.boolean(),
  /** The vCPU count it holds: a revert across a live vCPU change is refused with the reason. */
  vcpus: z.number().int().optional(),
  /** The cluster checkpoint it belongs to, if any. */
  checkpoint: z.string().optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** Whether a revert can go ahead, and if not, why (before anything is touched). */
export const RevertCheck = z.object({
  ok: z.boolean(),
  /** Each reason the revert would fail or lose something, as a person reads it. */
  problems: z.array(z.string()),
});
export type RevertCheck = z.infer<typeof RevertCheck>;

const SnapshotRef = VmRef.extend({ name: SnapshotName });

export const snapshotsApi = {
  /** The VM's snapshots, oldest first, the current one marked. */
  list: method(VmRef.strict(), z.array(Snapshot)),
  create: method(
    SnapshotRef.extend({
      description: Description,
      /** A running VM's memory too (revert returns to it running). */
      withMemory: z.boolean().default(true),
    }).strict(),
    Task,
  ),
  /** What the UI shows before a revert. */
  checkRevert: method(SnapshotRef.strict(), RevertCheck),
  revert: method(
    SnapshotRef.extend({ startAs: z.enum(['running', 'paused']).default('running') }).strict(),
    Task,
  ),
  /** One snapshot, or it and every descendant. */
  remove: method(SnapshotRef.extend({ withChildren: z.boolean().default(false) }).strict(), Task),
} as const;

/** A cluster checkpoint: one snapshot of the same name on every node, taken together. */
export const Checkpoint = z.object({
  name: z.string(),
  description: z.string().optional(),
  createdAt: z.string(),
  nodes: z.array(z.object({ name: z.string(), hostId: z.string(), uuid: z.string() })),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

const CheckpointRef = z.object({ cluster: ClusterName, name: SnapshotName });

export const checkpointsApi = {
  /** The cluster's checkpoints (only complete ones: a partial one is never left behind). */
  list: method(z.object({ cluster: ClusterName }).strict(), z.array(Checkpoint)),
  /** Pauses every node together, snapshots them in parallel, resumes them together. */
  create: method(CheckpointRef.extend({ description: Description }).strict(), Task),
  checkRevert: method(CheckpointRef.strict(), RevertCheck),
  /** Reverts every node paused, resumes them together and sets the guest clocks. */
  revert: method(CheckpointRef.strict(), Task),
  remove: method(CheckpointRef.strict(), Task),
} as const;
