import type { TypedParam } from '../../native/libvirt';
import { procedure } from './libvirt-call';

/**
 * Migration: the five phases of libvirt's v3 protocol with parameters, driven by the client
 * (managed migration: the client relays each side's cookie to the other), and the job calls
 * around them. Each is one logged libvirt call.
 */
export const begin = procedure('domainMigrateBegin3Params');
export const prepare = procedure('domainMigratePrepare3Params');
export const perform = procedure('domainMigratePerform3Params');
export const finish = procedure('domainMigrateFinish3Params');
export const confirm = procedure('domainMigrateConfirm3Params');
/** The longest pause (ms) the final switch-over of a live migration may cost the guest. */
export const setMaxDowntime = procedure('domainMigrateSetMaxDowntime');
/** The running job's figures, or with JOB_STATS_COMPLETED those of the last job that ended. */
export const jobStats = procedure('domainGetJobStats');
/** Stops the domain's running job (a migration fails on its source with "cancelled"). */
export const abortJob = procedure('domainAbortJob');

/** virDomainMigrateFlags that Corral uses. */
export const MigrateFlag = {
  LIVE: 1,
  PERSIST_DEST: 8,
  UNDEFINE_SOURCE: 16,
  NON_SHARED_DISK: 64,
  NON_SHARED_INC: 128,
  /** Keeps the source's job from Begin to Confirm, so nothing else changes the domain meanwhile. */
  CHANGE_PROTECTION: 256,
  OFFLINE: 1024,
} as const;

/** virDomainGetJobStats flag: the figures of the job that ended last. */
export const JOB_STATS_COMPLETED = 1;

/** virDomainJobType. */
export const JobType = {
  NONE: 0,
  BOUNDED: 1,
  UNBOUNDED: 2,
  COMPLETED: 3,
  FAILED: 4,
  CANCELLED: 5,
} as const;

/** What Corral passes as migration parameters (VIR_MIGRATE_PARAM_*). */
export interface MigrateParams {
  /** Where QEMU on the source sends the stream (the target's Prepare answers it). */
  migrateUri?: string;
  /** The domain's name on the target. */
  destinationName?: string;
  /** The domain XML the target starts (Begin hands it back). */
  destinationXml?: string;
  /** Cap on the migration stream, MiB/s. */
  bandwidthMiBs?: number;
}

/** The typed parameters of a migration call, in libvirt's names. */
export function migrateParams(p: MigrateParams): TypedParam[] {
  const out: TypedParam[] = [];
  const str = (field: string, value: string) => out.push({ field, value: { type: 7, value } });
  if (p.migrateUri !== undefined) str('migrate_uri', p.migrateUri);
  if (p.destinationName !== undefined) str('destination_name', p.destinationName);
  if (p.destinationXml !== undefined) str('destination_xml', p.destinationXml);
  if (p.bandwidthMiBs !== undefined) {
    out.push({
      field: 'bandwidth',
      value: { type: 4, value: BigInt(Math.trunc(p.bandwidthMiBs)) },
    });
  }
  return out;
}

/** A job's typed parameters as plain numbers (bigints converted; strings and booleans left out). */
export function jobFigures(params: readonly TypedParam[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { field, value } of params) {
    if (typeof value.value === 'bigint') out[field] = Number(value.value);
    else if (typeof value.value === 'number') out[field] = value.value;
  }
  return out;
}
