import type { MigrationMode } from '../../api/migration-api';

/**
 * Where a migration stands, in the order the runner goes through it. Each phase that creates or
 * destroys something is journaled (checkpointed) before it starts, so whoever reads the state
 * after a crash knows what may exist on which host:
 * - `prepare-target`: the overlay (and seed) may be being created on the target;
 * - `migrating`: libvirt's phases run; the domain may exist on either host, or on both (a paused
 *   copy on the target, or the source paused after a lost Finish);
 * - `verify`: libvirt said the target took the domain; it is being checked there;
 * - `cleanup-source`: the target runs the domain; the source's volumes are being deleted;
 * - `done`: nothing left to do.
 */
export type MigrationPhase = 'prepare-target' | 'migrating' | 'verify' | 'cleanup-source' | 'done';

/** The journaled state of a `vm-migrate` task (what reconcile at start reads). */
export interface MigrationState {
  /** The VM as it was when the task started (its identity is the UUID). */
  vm: { hostId: string; uuid: string; name: string };
  sourceHostId: string;
  targetHostId: string;
  mode: MigrationMode;
  phase: MigrationPhase;
  /** Paths of volumes this task created on the target (deleted if the migration is undone). */
  targetVolumes: string[];
  /** Paths of the VM's volumes on the source (deleted once the target runs the VM). */
  sourceVolumes: string[];
  /** Set when the owner cancelled; the runner is undoing the target side. */
  cancelled?: boolean;
}

/** The phases in order (a later phase never goes back to an earlier one). */
export const MIGRATION_PHASES: readonly MigrationPhase[] = [
  'prepare-target',
  'migrating',
  'verify',
  'cleanup-source',
  'done',
];
