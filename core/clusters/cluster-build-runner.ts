import { CorralError } from '../../api/errors';
import type { HostConnections } from '../hosts/host-connections';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';
import type { ClusterKeyStore } from './cluster-key-store';
import { nodeVolumeNames } from './cluster-naming';
import type { ClusterReadModel } from './cluster-read-model';
import { errorText } from './cluster-spec';
import type { KnownOperations } from './known-operations';
import { buildNode, endpointOf, rollbackNode, type BuildContext } from './node-builder';
import type { HostSize } from './node-maximums';
import { clusterFiles, type PeerNode } from './node-seed';
import { connectNode, writeNodeFiles } from './node-ssh';
import type { NodeRecord, OperationRecord } from './operation-record';
import { OperationProgress } from './operation-progress';
import { TASK_KIND } from './operation-view';
import type { SlotLimiter } from './slot-limiter';

/** What the cluster runners need from the cluster service. */
export interface ClusterRunnerDeps {
  hosts: HostConnections;
  keys: ClusterKeyStore;
  known: KnownOperations;
  model: ClusterReadModel;
  limiter: SlotLimiter;
  sshTimeoutMs: number;
  /** A host's CPUs and memory (they cap a new node's default ceilings). */
  hostSize?(hostId: string): HostSize | undefined;
  log: (line: string) => void;
  /** True once Corral is stopping: runs stop where they are and are found interrupted. */
  disposed(): boolean;
}

/**
 * Creates a cluster or adds nodes to one, as a task: every node a step, built in parallel (a few
 * boots per host at once), each from the host's truth so a resume skips what exists. A failed
 * node stops the others and what the operation made is removed; a cancel stops them and the
 * engine asks for the same removal (`rollback`), which also undoes an interrupted or failed run.
 */
export class ClusterBuildRunner implements TaskRunner<OperationRecord> {
  readonly kind: (typeof TASK_KIND)['create' | 'add-nodes'];
  readonly cancellable = true;

  constructor(
    private readonly opKind: 'create' | 'add-nodes',
    private readonly deps: ClusterRunnerDeps,
  ) {
    this.kind = TASK_KIND[opKind];
  }

  async run(ctx: TaskContext<OperationRecord>): Promise<void> {
    const progress = new OperationProgress(ctx, this.adopt(ctx));
    await progress.checkpoint();
    await this.build(progress);
  }

  async resume(ctx: TaskContext<OperationRecord>): Promise<void> {
    const op = this.adopt(ctx);
    op.status = 'running';
    delete op.error;
    delete op.endedAt;
    for (const n of op.nodes) {
      delete n.error;
      if (n.phase === 'failed') n.phase = 'queued';
    }
    const progress = new OperationProgress(ctx, op);
    progress.save();
    await this.build(progress);
  }

  async rollback(ctx: TaskContext<OperationRecord>): Promise<void> {
    const op = this.adopt(ctx);
    const progress = new OperationProgress(ctx, op);
    if (op.status === 'cancelling') {
      await this.rollbackAll(progress, 'cancelled');
    } else {
      // The first failure stays as the cause; a former "not rolled back" note is redone below.
      const cause = op.nodes.find((n) => n.phase === 'failed' && n.error);
      if (cause) op.error = `${cause.name}: ${cause.error}`;
      else delete op.error;
      await this.rollbackAll(progress, 'rolled-back');
    }
    if (op.status === 'failed') throw new CorralError('conflict', op.error ?? 'rollback failed');
  }

  /**
   * The task's id is the operation's: node metadata and volume names carry it, and the
   * known-operations list holds it before any domain names it. (A record journaled before its
   * run began has no id yet; records from the operations journal keep their own.)
   */
  private adopt(ctx: TaskContext<OperationRecord>): OperationRecord {
    const op = ctx.state;
    if (!op.id) {
      op.id = ctx.id;
      for (const n of op.nodes) n.volumes = nodeVolumeNames(op.cluster, n.index, op.id);
    }
    this.deps.known.add([{ id: op.id, cluster: op.cluster, source: 'journal', at: op.startedAt }]);
    return op;
  }

  private async build(progress: OperationProgress): Promise<void> {
    const { op, ctx } = progress;
    const t0 = Date.now();
    const clusterKey = this.deps.keys.get(op.cluster);
    if (!clusterKey) {
      throw new CorralError('internal', `the SSH key of cluster ${op.cluster} is missing`);
    }
    const peers: PeerNode[] = [
      ...(op.existing ?? []),
      ...op.nodes.map((n) => ({
        name: n.name,
        address: n.addresses[0]!,
        hostKey: n.hostKey.publicKey,
        vcpus: op.spec.vcpus,
      })),
    ];
    let failed = false;
    const stopped = () => failed || ctx.signal.aborted || this.deps.disposed();
    const build: BuildContext = {
      op,
      hosts: this.deps.hosts,
      peers,
      clusterKey,
      hostPrivateKey: (n: NodeRecord) => this.deps.keys.unseal(n.hostKey.privateKeySealed),
      save: () => progress.save(),
      checkpoint: () => progress.checkpoint(),
      stopped,
      sshTimeoutMs: this.deps.sshTimeoutMs,
      hostSize: (hostId) => this.deps.hostSize?.(hostId),
    };
    let firstError: string | undefined;
    await Promise.all(
      op.nodes.map(async (node) => {
        if (node.phase === 'ready') return;
        await this.deps.limiter.run(node.hostId, async () => {
          if (stopped()) {
            node.phase = 'cancelled';
            progress.save();
            return;
          }
          try {
            await buildNode(build, node);
            node.phase = 'ready';
            const s = ((Date.now() - t0) / 1000).toFixed(1);
            this.deps.log(`${node.name} ready after ${s} s`);
            ctx.log(`${node.name} ready after ${s} s`);
          } catch (err) {
            if (stopped() && err instanceof CorralError && err.code === 'cancelled') {
              node.phase = 'cancelled';
            } else {
              node.phase = 'failed';
              node.error = errorText(err);
              firstError ??= `${node.name}: ${node.error}`;
              failed = true; // the other nodes stop at their next step
            }
          }
          progress.save();
        });
      }),
    );
    // Stopping: the task stays working in the journal and is found interrupted at the next start.
    if (this.deps.disposed()) throw new CorralError('unavailable', 'Corral is shutting down');
    const cancelled = ctx.signal.aborted;
    if (!firstError && !cancelled && op.kind === 'add-nodes') {
      try {
        await this.configureAll(progress, peers, clusterKey.privateKey);
      } catch (err) {
        firstError = `regenerating cluster files: ${errorText(err)}`;
      }
    }
    if (cancelled) {
      // The engine runs `rollback` next; the record says why.
      op.status = 'cancelling';
      await progress.checkpoint();
      throw new CorralError('cancelled', 'cancelled by its owner');
    }
    if (firstError) {
      op.error = firstError;
      await this.rollbackAll(progress, 'failed');
      throw new CorralError('conflict', op.error);
    }
    op.status = 'succeeded';
    op.endedAt = new Date().toISOString();
    await progress.checkpoint();
  }

  /** Rewrites /etc/hosts, the hostfile and known_hosts on every node of the cluster. */
  private async configureAll(
    progress: OperationProgress,
    peers: readonly PeerNode[],
    privateKey: string,
  ): Promise<void> {
    const { op } = progress;
    for (const n of op.nodes) n.phase = 'configuring';
    progress.save();
    const everyone = [
      ...(op.existing ?? []),
      ...op.nodes.map((n) => ({
        name: n.name,
        hostId: n.hostId,
        address: n.addresses[0]!,
        hostKey: n.hostKey.publicKey,
      })),
    ];
    await this.writeFiles(everyone, clusterFiles(peers), privateKey);
    for (const n of op.nodes) n.phase = 'ready';
    progress.save();
  }

  private async writeFiles(
    nodes: ReadonlyArray<{ name: string; hostId: string; address: string; hostKey: string }>,
    files: ReturnType<typeof clusterFiles>,
    privateKey: string,
  ): Promise<void> {
    await Promise.all(
      nodes.map(async (n) => {
        const ssh = await connectNode(endpointOf(this.deps.hosts, n), privateKey);
        try {
          await writeNodeFiles(ssh, files);
        } finally {
          ssh.end();
        }
      }),
    );
  }

  /** Removes what the operation created on every node; reports what could not be removed. */
  private async rollbackAll(
    progress: OperationProgress,
    final: 'failed' | 'cancelled' | 'rolled-back',
  ): Promise<void> {
    const { op } = progress;
    const label = (hostId: string) => this.deps.model.hostLabel(hostId);
    op.status = 'rolling-back';
    progress.save();
    const left: string[] = [];
    const leftAlone: string[] = [];
    await Promise.all(
      op.nodes.map(async (node) => {
        const touched = node.touched.domain || node.touched.seed || node.touched.overlay;
        try {
          if (touched) {
            const notMine = await rollbackNode(this.deps.hosts, op, node);
            leftAlone.push(...notMine.map((t) => `${t} on ${label(node.hostId)}`));
          }
          node.touched = {};
          if (touched || node.phase !== 'cancelled') {
            if (node.phase !== 'failed') node.phase = 'rolled-back';
          }
        } catch (err) {
          left.push(`${node.name} on ${label(node.hostId)} (${errorText(err)})`);
        }
        progress.save();
      }),
    );
    if (op.kind === 'add-nodes' && op.existing && left.length === 0) {
      // Best effort: the old nodes may already list the removed ones.
      const key = this.deps.keys.get(op.cluster);
      if (key) {
        await this.writeFiles(op.existing, clusterFiles(op.existing), key.privateKey).catch(
          (err: unknown) => left.push(`cluster files on the old nodes (${errorText(err)})`),
        );
      }
    }
    if (op.kind === 'create' && left.length === 0) this.deps.keys.delete(op.cluster);
    if (leftAlone.length > 0) {
      this.deps.log(`rollback of ${op.id} left alone: ${leftAlone.join('; ')}`);
      const note = `left alone, not this operation's: ${leftAlone.join('; ')}`;
      op.error = op.error ? `${op.error}. ${note}` : note;
    }
    if (left.length > 0) {
      op.status = 'failed';
      const note = `not rolled back: ${left.join('; ')}. Roll back again once the host is reachable.`;
      op.error = op.error ? `${op.error}. ${note}` : note;
    } else {
      op.status = final;
    }
    op.endedAt = new Date().toISOString();
    await progress.checkpoint();
  }
}
