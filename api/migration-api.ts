import { z } from 'zod';
import { method } from './contract';
import { HostId } from './hosts-api';
import { VmRef } from './inventory-api';
import { Task } from './tasks-api';

/** Live when the VM runs (or is paused), offline when it is shut off. */
export const MigrationMode = z.enum(['live', 'offline']);
export type MigrationMode = z.infer<typeof MigrationMode>;

/** What stops a migration before anything is touched. */
export const MigrationBlockerCode = z.enum([
  'same-host',
  'target-offline',
  'source-offline',
  'vm-busy',
  'vm-state',
  'name-clash',
  'memory-short',
  'vcpus-short',
  'base-image-missing',
  'network-missing',
  'snapshots',
  'cpu-incompatible',
  'storage',
]);
export type MigrationBlockerCode = z.infer<typeof MigrationBlockerCode>;

/** One blocker, as a person reads it, with what to do about it. */
export const MigrationBlocker = z.object({
  code: MigrationBlockerCode,
  /** "corral-lab-h2 has 180 MiB free; web-2 needs 256 MiB". */
  message: z.string(),
  /** "Free memory on corral-lab-h2 or pick another host". */
  remedy: z.string(),
});
export type MigrationBlocker = z.infer<typeof MigrationBlocker>;

/** Something the user should know that does not block (open consoles reconnect, copy size). */
export const MigrationNotice = z.object({
  code: z.enum(['console-reconnect', 'offline', 'disk-copy', 'seed-copy']),
  message: z.string(),
});
export type MigrationNotice = z.infer<typeof MigrationNotice>;

/** The pre-flight's verdict: every blocker found, not only the first. */
export const MigrationPreflight = z.object({
  vm: VmRef.extend({ name: z.string() }),
  targetHostId: HostId,
  mode: MigrationMode,
  ok: z.boolean(),
  blockers: z.array(MigrationBlocker),
  notices: z.array(MigrationNotice),
  /** How the disks travel: the overlay recreated on the target over its own base image. */
  storage: z
    .object({
      /** The target's base image path the new overlay is backed by. */
      targetBackingPath: z.string().optional(),
      /** Bytes of the overlay that differ from the base (what is copied). */
      copyBytes: z.number().nonnegative().optional(),
    })
    .optional(),
  /** How long the checks took. */
  checkedMs: z.number().nonnegative(),
});
export type MigrationPreflight = z.infer<typeof MigrationPreflight>;

export const MigrateRequest = VmRef.extend({ targetHostId: HostId }).strict();
export type MigrateRequest = z.infer<typeof MigrateRequest>;

/** Thresholds the balancer works from; every figure is a percentage of the host. */
export const BalancePolicy = z
  .object({
    cpuHighPercent: z.number().min(1).max(100).default(85),
    cpuLowPercent: z.number().min(0).max(99).default(50),
    memoryHighPercent: z.number().min(1).max(100).default(90),
    memoryLowPercent: z.number().min(0).max(99).default(70),
    /** A host counts as over a threshold only when its average over this window is. */
    windowSeconds: z.number().int().min(5).max(3600).default(300),
    /** Never put two nodes of one cluster on one host when another host could take one. */
    keepClustersSpread: z.boolean().default(true),
  })
  .strict();
export type BalancePolicy = z.infer<typeof BalancePolicy>;

/** One host's load as the balancer saw it (averages over the window). */
export const HostLoad = z.object({
  hostId: HostId,
  name: z.string(),
  cpuPercent: z.number(),
  memoryPercent: z.number(),
});
export type HostLoad = z.infer<typeof HostLoad>;

export const BalanceMove = z.object({
  vm: VmRef.extend({ name: z.string() }),
  fromHostId: HostId,
  toHostId: HostId,
  /** "corral-lab-h1 CPU 91% over 85% for 5 min: move web-2 (18% of the host) to corral-lab-h2 (CPU 22%)". */
  reason: z.string(),
});
export type BalanceMove = z.infer<typeof BalanceMove>;

/** A proposed set of moves with the imbalance before and after (spread of host load, 0 = even). */
export const BalancePlan = z.object({
  planId: z.string(),
  createdAt: z.string(),
  policy: BalancePolicy,
  moves: z.array(BalanceMove),
  before: z.object({ imbalance: z.number(), hosts: z.array(HostLoad) }),
  after: z.object({ imbalance: z.number(), hosts: z.array(HostLoad) }),
  /** Why nothing (or not more) moves: "no host over its threshold for 5 min". */
  notes: z.array(z.string()),
});
export type BalancePlan = z.infer<typeof BalancePlan>;

/** Automatic balancing: off by default; when on, a plan is proposed (never applied) on overload. */
export const BalanceAuto = z.object({
  enabled: z.boolean(),
  policy: BalancePolicy,
  /** The latest proposal still valid, if any. */
  proposal: BalancePlan.optional(),
});
export type BalanceAuto = z.infer<typeof BalanceAuto>;

export const migrationApi = {
  /** Every blocker of moving the VM to the target, named with a remedy; touches nothing. */
  preflight: method(MigrateRequest, MigrationPreflight),
  /**
   * Moves the VM: live when it runs, offline when shut off. A task with phases, cancellable;
   * refused with the pre-flight's blockers when there are any.
   */
  start: method(MigrateRequest, Task),
} as const;

export const balanceApi = {
  /** A plan from live host statistics; nothing moves until `apply`. */
  preview: method(BalancePolicy.partial().strict(), BalancePlan),
  /** Runs a previewed plan as one task, at most one migration per host at a time. */
  apply: method(z.object({ planId: z.string().min(1).max(64) }).strict(), Task),
  /** Automatic mode and its latest proposal. */
  auto: method(z.object({}).strict(), BalanceAuto),
  setAuto: method(
    z.object({ enabled: z.boolean(), policy: BalancePolicy.partial().optional() }).strict(),
    BalanceAuto,
  ),
} as const;
