import type { VmRef } from '../../api/inventory-api';
import type { TaskEngine } from '../tasks/task-engine';
import { FINAL_STATUSES } from '../tasks/task-record';

/**
 * Who owns what a contract input names, one function per kind of `owner:*` rule. Each answers
 * from what core already holds in memory (the inventory's cached metadata, the operations and
 * tasks it runs), never from a host, so a refusal costs no libvirt call. `undefined` means no
 * known owner: the thing does not exist, or is not Corral's, and only the administrator passes.
 */
export interface OwnerResolver {
  /** The owner in the VM's Corral metadata. */
  vm(ref: VmRef): string | undefined;
  /** The owner of the cluster's nodes, or of the operation creating it before any node exists. */
  cluster(name: string): string | undefined;
  /** Who started the task (or cluster operation). */
  task(id: string): string | undefined;
}

/**
 * The one owner of a cluster from its nodes' membership metadata: undefined when no node names
 * the cluster, or when nodes disagree (then it is nobody's to act on but the administrator's).
 */
export function clusterOwnerOf(
  vms: Iterable<{ membership?: { cluster: string; owner: string } | undefined }>,
  cluster: string,
): { found: boolean; owner: string | undefined } {
  let found = false;
  let owner: string | undefined;
  for (const vm of vms) {
    const m = vm.membership;
    if (m?.cluster !== cluster) continue;
    if (found && m.owner !== owner) return { found, owner: undefined };
    found = true;
    owner = m.owner;
  }
  return { found, owner };
}

/**
 * Who is creating `cluster` with a cluster-create task that has not ended: before its first node
 * is defined the hosts know nothing of the cluster, yet it is already someone's.
 */
export function clusterCreatorOf(
  tasks: Pick<TaskEngine, 'select'>,
  cluster: string,
): string | undefined {
  const creating = tasks.select(
    (t) =>
      t.kind === 'cluster-create' &&
      !FINAL_STATUSES.has(t.status) &&
      t.targets.some((x) => x.kind === 'cluster' && x.cluster === cluster),
    1,
  );
  return creating[0]?.ownerId;
}
