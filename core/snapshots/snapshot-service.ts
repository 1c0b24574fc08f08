import type { z } from 'zod';
import type { User } from '../../api/accounts-api';
import { CorralError } from '../../api/errors';
import type { VmRef } from '../../api/inventory-api';
import { snapshotsApi, type RevertCheck, type Snapshot } from '../../api/snapshots-api';
import type { Task, TaskTarget } from '../../api/tasks-api';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import type { TaskStarter } from '../tasks/task-runner';
import { toCorralError } from '../vm/libvirt-errors';
import {
  isActive,
  readSnapshots,
  snapshotFacts,
  vcpuFigures,
  type DomainHandle,
} from './domain-snapshots';
import { revertProblems } from './revert-check';
import type {
  SnapshotCreateState,
  SnapshotDeleteState,
  SnapshotRevertState,
} from './snapshot-runners';
import { snapshotTree, withDescendants } from './snapshot-tree';

export interface SnapshotServiceOptions {
  hosts: HostConnections;
  tasks: TaskStarter;
  /** Who asks (named as the task's owner); the contract's gate decided they may act on the VM. */
  caller(ctx: CallContext): User;
}

type Input<K extends keyof typeof snapshotsApi> = z.input<(typeof snapshotsApi)[K]['input']>;

/**
 * One VM's snapshots: list as a tree, take, check a revert, revert, delete. The changes run as
 * tasks; everything a person can get wrong (a bad name, a taken name, a missing snapshot, a
 * revert across a vCPU change) is refused here, before a task starts or libvirt is changed.
 */
export class SnapshotService {
  constructor(private readonly options: SnapshotServiceOptions) {}

  async list(input: VmRef, ctx: CallContext): Promise<Snapshot[]> {
    const ref = parse('list', input);
    this.options.caller(ctx);
    const h = await this.handle(ref);
    const { facts, current } = await readSnapshots(h).catch((err: unknown) => {
      throw toCorralError(err, `Could not read the snapshots of ${h.dom.name}`);
    });
    return snapshotTree(facts, current);
  }

  async create(input: Input<'create'>, ctx: CallContext): Promise<Task> {
    const req = parse('create', input);
    const user = this.options.caller(ctx);
    const h = await this.handle(req);
    if (await snapshotFacts(h, req.name)) {
      throw new CorralError('conflict', `${h.dom.name} already has a snapshot named ${req.name}`);
    }
    const running = await isActive(h);
    if (!running && req.withMemory && input.withMemory === true) {
      throw new CorralError(
        'bad-request',
        `${h.dom.name} is not running: it has no memory to keep`,
      );
    }
    if (running && !req.withMemory) {
      // libvirt keeps a running VM's internal snapshot only together with its memory.
      throw new CorralError(
        'bad-request',
        `${h.dom.name} is running: its snapshot includes its memory (shut it off for a disk-only one)`,
      );
    }
    const state: SnapshotCreateState = {
      ...vm(req, h),
      name: req.name,
      ...(req.description ? { description: req.description } : {}),
      withMemory: running,
    };
    return this.options.tasks.start({
      kind: 'snapshot-create',
      ownerId: user.id,
      title: `Snapshot ${h.dom.name}: ${req.name}`,
      targets: [target(req, h)],
      steps: [{ id: 'snapshot', label: `Take ${req.name}`, hostId: req.hostId }],
      state,
    });
  }

  async checkRevert(input: Input<'checkRevert'>, ctx: CallContext): Promise<RevertCheck> {
    const req = parse('checkRevert', input);
    this.options.caller(ctx);
    const problems = await this.revertProblems(await this.handle(req), req.name);
    return { ok: problems.length === 0, problems };
  }

  async revert(input: Input<'revert'>, ctx: CallContext): Promise<Task> {
    const req = parse('revert', input);
    const user = this.options.caller(ctx);
    const h = await this.handle(req);
    const problems = await this.revertProblems(h, req.name);
    if (problems.length > 0) throw new CorralError('conflict', problems.join(' '));
    const state: SnapshotRevertState = { ...vm(req, h), name: req.name, startAs: req.startAs };
    return this.options.tasks.start({
      kind: 'snapshot-revert',
      ownerId: user.id,
      title: `Revert ${h.dom.name} to ${req.name}`,
      targets: [target(req, h)],
      steps: [
        { id: 'revert', label: `Revert to ${req.name} (${req.startAs})`, hostId: req.hostId },
      ],
      state,
    });
  }

  async remove(input: Input<'remove'>, ctx: CallContext): Promise<Task> {
    const req = parse('remove', input);
    const user = this.options.caller(ctx);
    const h = await this.handle(req);
    const { facts } = await readSnapshots(h);
    if (!facts.some((f) => f.name === req.name)) {
      throw new CorralError('not-found', `${h.dom.name} has no snapshot ${req.name}`);
    }
    const names = req.withChildren ? withDescendants(facts, req.name) : [req.name];
    const state: SnapshotDeleteState = {
      ...vm(req, h),
      name: req.name,
      withChildren: req.withChildren,
    };
    return this.options.tasks.start({
      kind: 'snapshot-delete',
      ownerId: user.id,
      title: `Delete snapshot ${req.name} of ${h.dom.name}${names.length > 1 ? ` and ${names.length - 1} below it` : ''}`,
      targets: [target(req, h)],
      steps: [{ id: 'delete', label: `Delete ${names.join(', ')}`, hostId: req.hostId }],
      state,
    });
  }

  private async revertProblems(h: DomainHandle, name: string): Promise<string[]> {
    try {
      const snap = await snapshotFacts(h, name);
      if (!snap) throw new CorralError('not-found', `${h.dom.name} has no snapshot ${name}`);
      return revertProblems(h.dom.name, snap, await vcpuFigures(h));
    } catch (err) {
      throw toCorralError(err, `Could not check the revert of ${h.dom.name}`);
    }
  }

  private async handle(ref: VmRef): Promise<DomainHandle> {
    const client = this.options.hosts.libvirt(ref.hostId);
    try {
      return { client, dom: (await domain.lookupByUuid(client, { uuid: ref.uuid })).dom };
    } catch (err) {
      throw toCorralError(err, `Could not find VM ${ref.uuid} on its host`);
    }
  }
}

/** The contract's own parsing (defaults, name and description rules) for callers inside core. */
function parse<K extends keyof typeof snapshotsApi>(
  kind: K,
  input: unknown,
): z.output<(typeof snapshotsApi)[K]['input']> {
  const parsed = snapshotsApi[kind].input.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'input'}: ${i.message}`)
      .join('; ');
    throw new CorralError('bad-request', `invalid snapshot request: ${why}`);
  }
  return parsed.data as z.output<(typeof snapshotsApi)[K]['input']>;
}

function vm(ref: VmRef, h: DomainHandle) {
  return { hostId: ref.hostId, uuid: ref.uuid, vm: h.dom.name };
}

function target(ref: VmRef, h: DomainHandle): TaskTarget {
  return { kind: 'vm', hostId: ref.hostId, uuid: ref.uuid, name: h.dom.name };
}
