import type { VmState } from '../../api/inventory-api';
import type { VolumeFacts } from '../images/volume-xml';
import type { PreflightDomain } from './migration-preflight-domain';

/**
 * One read of a host: its value, or why it could not be made. The checker turns a failed read
 * into a blocker that names it: a migration is never let through on a fact nobody could read.
 */
export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** A volume as a host's pool holds it. */
export interface PoolVolume extends VolumeFacts {
  pool: string;
}

/** One disk of the VM with the volumes behind it on the source host. */
export interface SourceDisk {
  target: string;
  path: string;
  readonly: boolean;
  /** The volume whose path the disk uses (absent: the file is in no storage pool). */
  volume?: PoolVolume;
  /** The volume the disk's backing file is (a linked clone's base image), when in a pool. */
  base?: PoolVolume;
}

/** How the VM's CPU was compared with what the target's hypervisor can run. */
export type CpuFact =
  { kind: 'skipped'; reason: string } | { kind: 'compared'; model: string; result: Read<number> };

/** Everything the pre-flight learned, from Corral and from both hosts; `checkMigration` judges it. */
export interface MigrationFacts {
  vm: { hostId: string; uuid: string; name: string };
  source: { hostId: string; name: string; online: boolean };
  target: { hostId: string; name: string; online: boolean };
  /** Titles of the tasks working on the VM (or its cluster) now. */
  busyTasks: string[];
  // Read from the source (absent when the source is not connected or the VM is not there).
  state?: Read<VmState>;
  domain?: Read<PreflightDomain>;
  snapshots?: Read<string[]>;
  disks?: Read<SourceDisk[]>;
  // Read from the target (absent when the target is not connected, or is the source).
  /** The target's domain of the VM's name (its UUID) and of its UUID (its name), if any. */
  clash?: Read<{ byName?: string; byUuid?: string }>;
  /** Free memory (MemFree + Buffers + Cached) and total memory, KiB. */
  targetMemory?: Read<{ availableKiB: number; totalKiB: number }>;
  targetCpus?: Read<number>;
  /** Active storage pools of the target and the volumes found there by the names looked up. */
  targetStorage?: Read<{ pools: string[]; volumes: PoolVolume[] }>;
  targetNetworks?: Read<string[]>;
  /** Interfaces of the target (bridges among them), by name. */
  targetInterfaces?: Read<string[]>;
  cpu?: CpuFact;
}
