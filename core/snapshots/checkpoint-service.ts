import type { z } from 'zod';
import type { User } from '../../api/accounts-api';
import { CorralError } from '../../api/errors';
import { checkpointsApi, type Checkpoint, type RevertCheck } from '../../api/snapshots-api';
import type { Task } from '../../api/tasks-api';
import { notFound, type SessionUsers } from '../accounts/authorization';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import type { TaskStarter } from '../tasks/task-runner';
import { toCorralError } from '../vm/libvirt-errors';
import {
  checkpointProblems,
  type CheckpointCreateState,
  type CheckpointRevertState,
} from './checkpoint-runners';
import { nodeHandle, type CheckpointNode } from './cluster-nodes';
import { findSnapshot, readSnapshots, runState, type DomainHandle } from './domain-snapshots';
import type { SnapshotFacts } from './snapshot-xml';

export interface CheckpointServiceOptions {
  hosts: HostConnections;
  tasks: TaskStarter;
  users: SessionUsers;
  inventory: Pick<InventoryService, 'snapshot'>;
}

type Input<K extends keyof typeof checkpointsApi> = z.input<(typeof checkpointsApi)[K]['input']>;

/**
 * Cluster checkpoints: one internal snapshot of the same name on every node, marked as the
 * cluster's, taken together. Listing shows only complete ones; the changes run as tasks, each
 * refused here (bad name, taken name, a node not running, a vCPU trap) before any node is touched.
 */
export class CheckpointService {
  constructor(private readonly options: CheckpointServiceOptions) {}

  async list(input: Input<'list'>, ctx: CallContext): Promise<Checkpoint[]> {
    const { cluster } = parse('list', input);
    const { nodes } = this.clusterNodes(cluster, ctx);
    const perNode = await this.snapshotsOf(nodes);
    return completeCheckpoints(cluster, nodes, perNode);
  }

  async create(input: Input<'create'>, ctx: CallContext): Promise<Task> {
    const req = parse('create', input);
    const { nodes, user } = this.clusterNodes(req.cluster, ctx);
    const handles = await this.handles(nodes);
    // One lookup and one state per node, all at once: a checkpoint is about not waiting.
    const facts = await Promise.all(
      handles.map(async (h) => ({
        taken: await findSnapshot(h, req.name),
        state: await runState(h),
      })),
    ).catch((err: unknown) => {
      throw toCorralError(err, 'Could not read the nodes');
    });
    const taken = nodes.filter((_, i) => facts[i]!.taken !== undefined);
    if (taken.length > 0) {
      throw new CorralError(
        'conflict',
        `a snapshot named ${req.name} exists on ${taken.map((n) => n.name).join(', ')}`,
      );
    }
    // Paused nodes too: the checkpoint resumes every node it paused, and must not resume those.
    const off = nodes.filter((_, i) => facts[i]!.state !== 'running');
    if (off.length > 0) {
      throw new CorralError(
        'conflict',
        `a checkpoint needs every node running; not running: ${off.map((n) => n.name).join(', ')}`,
      );
    }
    const state: CheckpointCreateState = {
      cluster: req.cluster,
      name: req.name,
      ...(req.description ? { description: req.description } : {}),
      nodes,
    };
    return this.start('checkpoint-create', user, `Checkpoint ${req.cluster}: ${req.name}`, state);
  }

  async checkRevert(input: Input<'checkRevert'>, ctx: CallContext): Promise<RevertCheck> {
    const req = parse('checkRevert', input);
    const { nodes } = this.clusterNodes(req.cluster, ctx);
    const problems = await this.problems(nodes, req.name);
    return { ok: problems.length === 0, problems };
  }

  async revert(input: Input<'revert'>, ctx: CallContext): Promise<Task> {
    const req = parse('revert', input);
    const { nodes, user } = this.clusterNodes(req.cluster, ctx);
    const problems = await this.problems(nodes, req.name);
    if (problems.length > 0) throw new CorralError('conflict', problems.join(' '));
    const state: CheckpointRevertState = { cluster: req.cluster, name: req.name, nodes };
    return this.start('checkpoint-revert', user, `Revert ${req.cluster} to ${req.name}`, state);
  }

  async remove(input: Input<'remove'>, ctx: CallContext): Promise<Task> {
    const req = parse('remove', input);
    const { nodes, user } = this.clusterNodes(req.cluster, ctx);
    const perNode = await this.snapshotsOf(nodes);
    const has = (f: SnapshotFacts) => f.name === req.name && f.checkpointOf === req.cluster;
    if (!perNode.some((facts) => facts.some(has))) {
      throw new CorralError('not-found', `cluster ${req.cluster} has no checkpoint ${req.name}`);
    }
    const state: CheckpointRevertState = { cluster: req.cluster, name: req.name, nodes };
    return this.start(
      'checkpoint-delete',
      user,
      `Delete checkpoint ${req.name} of ${req.cluster}`,
      state,
    );
  }

  private start(
    kind: 'checkpoint-create' | 'checkpoint-revert' | 'checkpoint-delete',
    user: User,
    title: string,
    state: CheckpointCreateState | CheckpointRevertState,
  ): Promise<Task> {
    return this.options.tasks.start({
      kind,
      ownerId: user.id,
      title,
      targets: [{ kind: 'cluster', cluster: state.cluster }],
      steps: state.nodes.map((n) => ({ id: n.name, label: n.name, hostId: n.hostId })),
      state,
    });
  }

  private async problems(nodes: CheckpointNode[], name: string): Promise<string[]> {
    const handles = await this.handles(nodes);
    try {
      return await checkpointProblems(nodes, handles, name);
    } catch (err) {
      throw toCorralError(err, `Could not check the revert of checkpoint ${name}`);
    }
  }

  /** The cluster's nodes by index (`not-found` when none, no host asked); the gate decided whose. */
  private clusterNodes(cluster: string, ctx: CallContext): { nodes: CheckpointNode[]; user: User } {
    const user = this.options.users.requireUser(ctx);
    const vms = this.options.inventory
      .snapshot(CORE_ITSELF)
      .vms.filter((vm) => vm.membership?.cluster === cluster)
      .sort((a, b) => a.membership!.index - b.membership!.index);
    if (vms.length === 0) throw notFound(`cluster ${cluster}`);
    const stale = vms.filter((vm) => vm.stale);
    if (stale.length > 0) {
      throw new CorralError(
        'unavailable',
        `the hosts of ${stale.map((v) => v.name).join(', ')} do not answer now`,
      );
    }
    return { nodes: vms.map((vm) => ({ name: vm.name, hostId: vm.hostId, uuid: vm.uuid })), user };
  }

  private async handles(nodes: CheckpointNode[]): Promise<DomainHandle[]> {
    return Promise.all(nodes.map((n) => nodeHandle(this.options.hosts, n)));
  }

  private async snapshotsOf(nodes: CheckpointNode[]): Promise<SnapshotFacts[][]> {
    const hs = await this.handles(nodes);
    try {
      return await Promise.all(hs.map(async (h) => (await readSnapshots(h)).facts));
    } catch (err) {
      throw toCorralError(err, 'Could not read the nodes’ snapshots');
    }
  }
}

/**
 * The cluster's checkpoints: names marked as this cluster's checkpoint on every node (a name
 * missing on some node is not listed: Corral never shows a partial checkpoint). Pure.
 */
export function completeCheckpoints(
  cluster: string,
  nodes: readonly CheckpointNode[],
  perNode: ReadonlyArray<readonly SnapshotFacts[]>,
): Checkpoint[] {
  const first = perNode[0] ?? [];
  const out: Checkpoint[] = [];
  for (const f of first) {
    if (f.checkpointOf !== cluster) continue;
    const all = perNode.map((facts) =>
      facts.find((g) => g.name === f.name && g.checkpointOf === cluster),
    );
    if (all.some((g) => g === undefined)) continue;
    const createdAt = all.map((g) => g!.createdAt).sort()[0]!;
    out.push({
      name: f.name,
      ...(f.description !== undefined ? { description: f.description } : {}),
      createdAt,
      nodes: nodes.map((n) => ({ name: n.name, hostId: n.hostId, uuid: n.uuid })),
    });
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
}

function parse<K extends keyof typeof checkpointsApi>(
  kind: K,
  input: unknown,
): z.output<(typeof checkpointsApi)[K]['input']> {
  const parsed = checkpointsApi[kind].input.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'input'}: ${i.message}`)
      .join('; ');
    throw new CorralError('bad-request', `invalid checkpoint request: ${why}`);
  }
  return parsed.data as z.output<(typeof checkpointsApi)[K]['input']>;
}
