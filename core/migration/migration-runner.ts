import { CorralError } from '../../api/errors';
import type { LibvirtClient } from '../../native/libvirt';
import { findDomainByUuid, isActive } from '../clusters/node-resources';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import * as migration from '../libvirt/domain-migration';
import {
  JOB_STATS_COMPLETED,
  JOB_STATS_KEEP_COMPLETED,
  jobFigures,
} from '../libvirt/domain-migration';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';
import { runManagedMigration } from './managed-migration';
import type { MigrationPhase, MigrationState } from './migration-state';
import { watchHostsLost } from './reconcile-host-watch';
import { resumeByReconcile } from './reconcile-service';
import {
  backingPathOn,
  copyVolume,
  createOnTarget,
  deleteVolumes,
  sourceVolumes,
  targetBase,
  type MigrationVolume,
} from './migration-storage';

/** What the migration runner needs from the rest of the core. */
export interface MigrationDeps {
  hosts: HostConnections;
  /** Cap on the migration stream (MiB/s) for every migration; absent: unlimited. */
  bandwidthMiBs?: () => number | undefined;
  /** The inventory should look at both hosts again now (the VM moved). */
  reread?: (hostIds: string[]) => void;
  /** Tells the inventory the VM is leaving its host (an offline move has no libvirt event saying so). */
  expectMove?: (uuid: string, fromHostId: string) => { dispose(): void };
}

/** The steps every migration task shows, in order. */
export const MIGRATION_STEPS = [
  { id: 'prepare-target', label: 'Prepare the target: overlay over its base image, seed copied' },
  { id: 'migrating', label: 'Migrate' },
  { id: 'verify', label: 'Check the VM on the target' },
  { id: 'cleanup-source', label: "Delete the source's volumes" },
] as const;

// Shares of the whole task's progress bar.
const PREPARE_SHARE = 0.1;
const MIGRATE_SHARE = 0.8;

/**
 * `vm-migrate`: moves one VM between hosts (live when it runs, offline when shut off) by a
 * managed migration. Cancellable until libvirt has handed the VM to the target; a cancel leaves
 * the VM running on the source and nothing on the target. A task cut off by a crash is found
 * again from its journaled state (reconciled at start, not resumed here).
 */
export function migrationRunner(deps: MigrationDeps): TaskRunner<MigrationState> {
  return {
    kind: 'vm-migrate',
    cancellable: true,
    run: (ctx) => migrate(ctx, deps),
    // Never carried on blindly: both hosts are asked and one copy kept (reconcile-service).
    resume: (ctx) => resumeByReconcile(ctx, deps.hosts),
  };
}

async function migrate(ctx: TaskContext<MigrationState>, deps: MigrationDeps): Promise<void> {
  let state: MigrationState = { ...ctx.state };
  const enter = async (phase: MigrationPhase, patch: Partial<MigrationState> = {}) => {
    state = { ...state, ...patch, phase };
    await ctx.checkpoint(state);
  };
  const source = deps.hosts.libvirt(state.sourceHostId);
  const target = deps.hosts.libvirt(state.targetHostId);
  const dom = await findDomainByUuid(source, state.vm.uuid);
  if (!dom) throw new CorralError('not-found', `${state.vm.name} is no longer on the source host`);

  // 1. The target's volumes, journaled before each is created so a crash leaves none unknown.
  ctx.step('prepare-target', { status: 'running', hostId: state.targetHostId });
  const xml = (await domain.getXmlDesc(source, { dom, flags: 0 })).xml;
  const volumes = await sourceVolumes(source, xml);
  // The VM's state now decides the mode (it may have started or stopped since the pre-flight).
  const mode = (await isActive(source, dom)) ? 'live' : 'offline';
  if (mode !== state.mode)
    ctx.log(`The VM is ${mode === 'live' ? 'running' : 'shut off'}: ${mode} migration`);
  await enter('prepare-target', { mode, sourceVolumes: volumes.map((v) => v.path) });
  try {
    for (const v of volumes) {
      stopIfCancelled(ctx);
      await enter('prepare-target', { targetVolumes: [...state.targetVolumes, v.path] });
      try {
        await createOnTarget(target, v);
      } catch (err) {
        // Refused before anything was made (a volume of that name is there already): not ours.
        if (err instanceof CorralError && err.code === 'conflict') {
          await enter('prepare-target', {
            targetVolumes: state.targetVolumes.filter((p) => p !== v.path),
          });
        }
        throw err;
      }
      // Live, QEMU copies the writable disks; offline nothing does, and never read-only ones.
      if (v.kind === 'copy' || state.mode === 'offline') {
        ctx.step('prepare-target', { detail: `copying ${v.name}` });
        await copyVolume(source, target, v, ctx.signal);
      }
      if (v.kind === 'overlay' && state.mode === 'offline') await checkBacking(target, v);
    }
    stopIfCancelled(ctx);
  } catch (err) {
    await undoTarget(ctx, target, state, 'prepare-target');
    throw err;
  }
  ctx.step('prepare-target', { status: 'done', detail: `${volumes.length} volumes` });
  ctx.progress(PREPARE_SHARE);

  // 2. libvirt's five phases; a cancel aborts the job.
  await enter('migrating');
  ctx.step('migrating', { status: 'running', detail: state.mode });
  // A host that drops mid-migration stops it (its stream would stall, not fail).
  const watch = watchHostsLost(deps.hosts, [state.sourceHostId, state.targetHostId], ctx.signal);
  const expected = deps.expectMove?.(state.vm.uuid, state.sourceHostId);
  let outcome;
  try {
    const performer = await openPerformer(deps, state);
    try {
      outcome = await runManagedMigration({
        source,
        performer,
        target,
        dom,
        mode: state.mode,
        ...(deps.bandwidthMiBs?.() !== undefined ? { bandwidthMiBs: deps.bandwidthMiBs()! } : {}),
        signal: watch.signal,
        onProgress: (p) => {
          ctx.step('migrating', { detail: p.text });
          ctx.progress(PREPARE_SHARE + MIGRATE_SHARE * p.fraction, p.remainingSeconds);
        },
        log: (text, level) => ctx.log(text, level),
      });
    } finally {
      if (performer !== source) void performer.close().catch(() => undefined);
    }
  } catch (err) {
    // Begin was refused (or Perform's connection could not open): nothing moved.
    expected?.dispose();
    ctx.step('migrating', {
      status: 'failed',
      error: err instanceof Error ? err.message : String(err),
    });
    await undoTarget(ctx, target, state, 'migrating');
    throw err;
  } finally {
    watch.dispose();
  }
  if (outcome.result === 'stayed') {
    expected?.dispose();
    const cancelled = outcome.cancelled && !watch.lost;
    ctx.step('migrating', {
      status: cancelled ? 'cancelled' : 'failed',
      error: (watch.lost ?? outcome.error)?.message,
    });
    await undoTarget(ctx, target, state, 'migrating');
    if (watch.lost) throw watch.lost;
    throw outcome.cancelled
      ? new CorralError('cancelled', 'cancelled by its owner')
      : (outcome.error ?? new Error('migration failed'));
  }
  if (ctx.signal.aborted)
    ctx.log('The VM had already moved when the cancel came: kept on the target');
  const downtime =
    state.mode === 'live' ? await completedDowntime(target, outcome.targetDom!) : undefined;
  ctx.step('migrating', {
    status: 'done',
    detail: downtime !== undefined ? `paused ${downtime} ms` : `moved ${state.mode}`,
  });
  if (downtime !== undefined) ctx.log(`Downtime ${downtime} ms`);
  ctx.progress(PREPARE_SHARE + MIGRATE_SHARE);

  // 3. The target runs (or holds) it, over its own base image; the source has no copy left.
  await enter('verify');
  ctx.step('verify', { status: 'running', hostId: state.targetHostId });
  await verify(source, target, state, volumes);
  ctx.step('verify', { status: 'done' });

  // 4. The source's volumes are of no use any more.
  await enter('cleanup-source');
  ctx.step('cleanup-source', { status: 'running', hostId: state.sourceHostId });
  const deleted = await deleteVolumes(source, state.sourceVolumes);
  ctx.step('cleanup-source', { status: 'done', detail: `${deleted.length} deleted` });
  await enter('done');
  deps.reread?.([state.sourceHostId, state.targetHostId]);
}

function stopIfCancelled(ctx: TaskContext<MigrationState>): void {
  if (ctx.signal.aborted) throw new CorralError('cancelled', 'cancelled by its owner');
}

/** Perform's own connection; without one (a test double of the hosts), the regular one. */
async function openPerformer(deps: MigrationDeps, state: MigrationState): Promise<LibvirtClient> {
  if (state.mode === 'offline' || !deps.hosts.dedicated) {
    return deps.hosts.libvirt(state.sourceHostId);
  }
  return deps.hosts.dedicated(state.sourceHostId);
}

/** Deletes what this task created on the target (the VM stays where it was). */
async function undoTarget(
  ctx: TaskContext<MigrationState>,
  target: LibvirtClient,
  state: MigrationState,
  step: 'prepare-target' | 'migrating',
): Promise<void> {
  if (state.targetVolumes.length === 0) return;
  try {
    const deleted = await deleteVolumes(target, state.targetVolumes);
    ctx.log(`Deleted on the target: ${deleted.join(', ') || 'nothing left'}`);
    await ctx.checkpoint({ ...state, targetVolumes: [], cancelled: ctx.signal.aborted });
  } catch (err) {
    ctx.step(step, { error: `could not delete the target's volumes: ${String(err)}` });
    ctx.log(`Could not delete the target's volumes: ${String(err)}`, 'error');
  }
}

async function checkBacking(target: LibvirtClient, v: MigrationVolume): Promise<void> {
  const expected = (await targetBase(target, v)).path;
  const backing = await backingPathOn(target, v.path);
  if (backing !== expected) {
    throw new CorralError(
      'conflict',
      `the copied overlay ${v.name} names ${backing ?? 'no'} backing file, not ${expected}`,
    );
  }
}

async function verify(
  source: LibvirtClient,
  target: LibvirtClient,
  state: MigrationState,
  volumes: MigrationVolume[],
): Promise<void> {
  const there = await findDomainByUuid(target, state.vm.uuid);
  if (!there) throw new CorralError('unavailable', `${state.vm.name} is not defined on the target`);
  const { state: s } = await domain.getState(target, { dom: there, flags: 0 });
  const RUNNING = 1;
  if (state.mode === 'live' && s !== RUNNING) {
    throw new CorralError(
      'unavailable',
      `${state.vm.name} is not running on the target (state ${s})`,
    );
  }
  if (await findDomainByUuid(source, state.vm.uuid)) {
    throw new CorralError('conflict', `${state.vm.name} is still defined on the source`);
  }
  for (const v of volumes.filter((x) => x.kind === 'overlay')) await checkBacking(target, v);
}

/** The pause the switch-over cost, from the target's figures of the job that ended. */
async function completedDowntime(
  target: LibvirtClient,
  dom: Parameters<typeof migration.jobStats>[1]['dom'],
) {
  try {
    const job = await migration.jobStats(target, {
      dom,
      flags: JOB_STATS_COMPLETED | JOB_STATS_KEEP_COMPLETED,
    });
    const downtime = jobFigures(job.params).downtime;
    return downtime !== undefined ? Math.round(downtime) : undefined;
  } catch {
    return undefined;
  }
}
