import { CorralError } from '../../api/errors';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';
import { toCorralError } from '../vm/libvirt-errors';
import {
  deleteSnapshot,
  readSnapshots,
  revertTo,
  snapshotFacts,
  takeSnapshot,
  vcpuFigures,
  type DomainHandle,
} from './domain-snapshots';
import { revertProblems } from './revert-check';
import { withDescendants } from './snapshot-tree';

/** The VM a snapshot task acts on (its name for messages). */
interface VmTaskState {
  hostId: string;
  uuid: string;
  vm: string;
}

export interface SnapshotCreateState extends VmTaskState {
  name: string;
  description?: string;
  withMemory: boolean;
}

export interface SnapshotRevertState extends VmTaskState {
  name: string;
  startAs: 'running' | 'paused';
}

export interface SnapshotDeleteState extends VmTaskState {
  name: string;
  withChildren: boolean;
}

async function handle(hosts: HostConnections, s: VmTaskState): Promise<DomainHandle> {
  const client = hosts.libvirt(s.hostId);
  try {
    return { client, dom: (await domain.lookupByUuid(client, { uuid: s.uuid })).dom };
  } catch (err) {
    throw toCorralError(err, `Could not find ${s.vm} on its host`);
  }
}

/** Runs one step of a single-VM task: running, then done or failed with the reason. */
async function step<S>(ctx: TaskContext<S>, id: string, what: string, work: () => Promise<string>) {
  ctx.step(id, { status: 'running' });
  try {
    const detail = await work();
    ctx.step(id, { status: 'done', detail });
    ctx.progress(1);
  } catch (err) {
    const e = toCorralError(err, what);
    ctx.step(id, { status: 'failed', error: e.message });
    throw e;
  }
}

/** Takes one VM's snapshot; a rollback removes it again. */
export function snapshotCreateRunner(hosts: HostConnections): TaskRunner<SnapshotCreateState> {
  return {
    kind: 'snapshot-create',
    cancellable: false,
    async run(ctx) {
      const s = ctx.state;
      await step(ctx, 'snapshot', `Could not snapshot ${s.vm}`, async () => {
        const h = await handle(hosts, s);
        const t0 = performance.now();
        await takeSnapshot(h, s);
        const ms = Math.round(performance.now() - t0);
        ctx.log(`${s.vm}: snapshot ${s.name} taken in ${ms} ms`);
        return s.withMemory ? `with memory, ${ms} ms` : `disk only, ${ms} ms`;
      });
    },
    async rollback(ctx) {
      const s = ctx.state;
      if (await deleteSnapshot(await handle(hosts, s), s.name, false)) {
        ctx.log(`${s.vm}: snapshot ${s.name} removed`);
      }
    },
  };
}

/** Reverts one VM; the vCPU trap is checked again right before (the VM may have changed). */
export function snapshotRevertRunner(hosts: HostConnections): TaskRunner<SnapshotRevertState> {
  return {
    kind: 'snapshot-revert',
    cancellable: false,
    async run(ctx) {
      const s = ctx.state;
      await step(ctx, 'revert', `Could not revert ${s.vm} to ${s.name}`, async () => {
        const h = await handle(hosts, s);
        const snap = await snapshotFacts(h, s.name);
        if (!snap) throw new CorralError('not-found', `${s.vm} has no snapshot ${s.name}`);
        const problems = revertProblems(s.vm, snap, await vcpuFigures(h));
        if (problems.length > 0) throw new CorralError('conflict', problems.join(' '));
        const t0 = performance.now();
        await revertTo(h, s.name, s.startAs);
        const ms = Math.round(performance.now() - t0);
        ctx.log(`${s.vm}: reverted to ${s.name} (${s.startAs}) in ${ms} ms`);
        return `${s.startAs}, ${ms} ms`;
      });
    },
  };
}

/** Deletes a snapshot, or it and every descendant. */
export function snapshotDeleteRunner(hosts: HostConnections): TaskRunner<SnapshotDeleteState> {
  return {
    kind: 'snapshot-delete',
    cancellable: false,
    async run(ctx) {
      const s = ctx.state;
      await step(ctx, 'delete', `Could not delete snapshot ${s.name} of ${s.vm}`, async () => {
        const h = await handle(hosts, s);
        const { facts } = await readSnapshots(h);
        const names = s.withChildren ? withDescendants(facts, s.name) : [s.name];
        const gone = await deleteSnapshot(h, s.name, s.withChildren);
        ctx.log(
          gone
            ? `${s.vm}: deleted ${names.join(', ')}`
            : `${s.vm}: snapshot ${s.name} was already gone`,
        );
        return gone ? `${names.length} deleted` : 'already gone';
      });
    },
  };
}
