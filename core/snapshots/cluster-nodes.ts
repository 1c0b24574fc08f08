import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import { toCorralError } from '../vm/libvirt-errors';
import type { DomainHandle } from './domain-snapshots';

/** A node of a cluster as a checkpoint task names it (journaled in the task's state). */
export interface CheckpointNode {
  name: string;
  hostId: string;
  uuid: string;
}

/** The node's host client and libvirt reference, found by UUID (a name is not identity). */
export async function nodeHandle(
  hosts: HostConnections,
  node: CheckpointNode,
): Promise<DomainHandle> {
  const client = hosts.libvirt(node.hostId);
  try {
    return { client, dom: (await domain.lookupByUuid(client, { uuid: node.uuid })).dom };
  } catch (err) {
    throw toCorralError(err, `Could not find node ${node.name} on its host`);
  }
}

/** Runs `work` on every node at once and waits for all; each node's outcome, in node order. */
export function onEveryNode<T>(
  nodes: readonly CheckpointNode[],
  work: (node: CheckpointNode) => Promise<T>,
): Promise<Array<PromiseSettledResult<T>>> {
  return Promise.allSettled(nodes.map((n) => work(n)));
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
