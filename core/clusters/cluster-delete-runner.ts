import { CorralError } from '../../api/errors';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';
import type { ClusterRunnerDeps } from './cluster-build-runner';
import { errorText } from './cluster-spec';
import { removeVerifiedNode, type NodeRemoval } from './node-identity';
import type { NodeRecord, OperationRecord } from './operation-record';
import { OperationProgress } from './operation-progress';
import { TASK_KIND } from './operation-view';

/**
 * Deletes a cluster as a task: host by host, each node by the UUID the person was shown and
 * only while it still says it is this cluster's. It cannot be cancelled or undone; interrupted,
 * it is resumed (nodes already gone are skipped).
 */
export class ClusterDeleteRunner implements TaskRunner<OperationRecord> {
  readonly kind = TASK_KIND.delete;
  readonly cancellable = false;

  constructor(private readonly deps: ClusterRunnerDeps) {}

  async run(ctx: TaskContext<OperationRecord>): Promise<void> {
    const op = ctx.state;
    op.id ||= ctx.id;
    await this.delete(new OperationProgress(ctx, op));
  }

  async resume(ctx: TaskContext<OperationRecord>): Promise<void> {
    const op = ctx.state;
    op.status = 'running';
    delete op.error;
    delete op.endedAt;
    for (const n of op.nodes) delete n.error;
    await this.delete(new OperationProgress(ctx, op));
  }

  private async delete(progress: OperationProgress): Promise<void> {
    const { op } = progress;
    const label = (hostId: string) => this.deps.model.hostLabel(hostId);
    const failures: string[] = [];
    const leftAlone: string[] = [];
    const byHost = new Map<string, NodeRecord[]>();
    for (const n of op.nodes) byHost.set(n.hostId, [...(byHost.get(n.hostId) ?? []), n]);
    progress.save();
    await Promise.all(
      [...byHost].map(async ([hostId, nodes]) => {
        try {
          const client = this.deps.hosts.libvirt(hostId);
          for (const node of nodes) {
            if (node.phase === 'rolled-back') continue; // a resumed delete: already gone
            if (this.deps.disposed()) return;
            node.phase = 'configuring';
            progress.save();
            // By the UUID the person was shown, and only if it still says it is this cluster's.
            const removal: NodeRemoval = await removeVerifiedNode(client, {
              uuid: node.uuid,
              cluster: op.cluster,
              owner: op.ownerId,
              ...(op.clusterId ? { clusterId: op.clusterId } : {}),
            });
            if (removal.leftAlone.length > 0) {
              leftAlone.push(...removal.leftAlone.map((t) => `${t} on ${label(hostId)}`));
            }
            if (removal.domain === 'left-alone') {
              node.phase = 'failed';
              node.error = `left alone: ${removal.leftAlone.join('; ')}`;
            } else {
              node.phase = 'rolled-back';
            }
            progress.save();
          }
        } catch (err) {
          for (const node of nodes) {
            if (node.phase === 'rolled-back') continue;
            node.phase = 'failed';
            node.error = errorText(err);
          }
          failures.push(`${label(hostId)}: ${errorText(err)}`);
        }
      }),
    );
    for (const n of op.nodes) this.deps.model.forget(n.hostId, n.uuid);
    if (this.deps.disposed()) throw new CorralError('unavailable', 'Corral is shutting down');
    const aloneNote = `left alone, not this cluster's: ${leftAlone.join('; ')}`;
    if (failures.length > 0) {
      op.status = 'failed';
      op.error = `some nodes could not be deleted (${failures.join('; ')}); delete the cluster again to retry`;
      if (leftAlone.length > 0) op.error += `. ${aloneNote}`;
    } else if (leftAlone.length > 0) {
      this.deps.log(`delete ${op.id} ${aloneNote}`);
      op.status = op.nodes.some((n) => n.phase === 'failed') ? 'failed' : 'succeeded';
      op.error = aloneNote;
      if (op.status === 'succeeded') this.deps.keys.delete(op.cluster);
    } else {
      op.status = 'succeeded';
      this.deps.keys.delete(op.cluster);
    }
    op.endedAt = new Date().toISOString();
    await progress.checkpoint();
    if (op.status === 'failed') throw new CorralError('conflict', op.error ?? 'delete failed');
  }
}
