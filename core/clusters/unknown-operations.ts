import type { UnknownOperation, UnknownRemoval } from '../../api/clusters-api';
import { notFound } from '../accounts/authorization';
import type { HostConnections } from '../hosts/host-connections';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import type { ClusterReadModel } from './cluster-read-model';
import { errorText } from './cluster-spec';
import type { KnownOperations } from './known-operations';
import { removeVerifiedNode } from './node-identity';

export interface UnknownOperationsDeps {
  hosts: HostConnections;
  inventory: Pick<InventoryService, 'snapshot'>;
  model: ClusterReadModel;
  known: KnownOperations;
  /** Whether this Corral has the operation among its tasks. */
  isOurs(operation: string): boolean;
  log: (line: string) => void;
}

/**
 * Domains whose Corral metadata names an operation this Corral never ran nor adopted (another
 * Corral's, or this one's before its journal was lost), grouped by operation: listed, adopted
 * (its domains then are an ordinary cluster) or removed by identity. Callers check that the
 * caller is the administrator.
 */
export class UnknownOperations {
  constructor(private readonly deps: UnknownOperationsDeps) {}

  list(): UnknownOperation[] {
    const groups = new Map<string, UnknownOperation>();
    for (const vm of this.deps.inventory.snapshot(CORE_ITSELF).vms) {
      const m = vm.membership;
      if (!m?.operation || this.deps.known.has(m.operation) || this.deps.isOurs(m.operation)) {
        continue;
      }
      const group = groups.get(m.operation) ?? {
        operation: m.operation,
        cluster: m.cluster,
        ownerId: m.owner,
        nodes: [],
      };
      group.nodes.push({ hostId: vm.hostId, name: vm.name, uuid: vm.uuid, index: m.index });
      groups.set(m.operation, group);
    }
    return [...groups.values()]
      .map((g) => ({ ...g, nodes: g.nodes.sort((a, b) => a.index - b.index) }))
      .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.operation.localeCompare(b.operation));
  }

  /** Makes an unknown operation known; its domains are then an ordinary cluster. */
  adopt(operation: string, by: string): UnknownOperation {
    const group = this.find(operation);
    this.deps.known.add([
      {
        id: operation,
        cluster: group.cluster,
        source: 'adopted',
        by,
        at: new Date().toISOString(),
      },
    ]);
    this.deps.log(`${by} adopted ${operation} (cluster ${group.cluster})`);
    return group;
  }

  /**
   * Removes an unknown operation's domains and their own disks, each checked by UUID and
   * metadata (node-identity); what does not carry that identity is left and reported.
   */
  async remove(operation: string, by: string): Promise<UnknownRemoval> {
    const group = this.find(operation);
    const members = new Map(
      this.deps.inventory
        .snapshot(CORE_ITSELF)
        .vms.flatMap((vm) => (vm.membership ? [[vm.uuid, vm]] : [])),
    );
    const result: UnknownRemoval = { removed: [], leftAlone: [] };
    await Promise.all(
      group.nodes.map(async (node) => {
        const where = this.deps.model.hostLabel(node.hostId);
        const m = members.get(node.uuid)?.membership;
        try {
          const removal = await removeVerifiedNode(this.deps.hosts.libvirt(node.hostId), {
            uuid: node.uuid,
            cluster: m?.cluster ?? group.cluster,
            owner: m?.owner ?? group.ownerId,
            operation,
          });
          if (removal.domain === 'removed') result.removed.push(`${node.name} on ${where}`);
          for (const v of removal.volumes) result.removed.push(`${v} on ${where}`);
          for (const t of removal.leftAlone) result.leftAlone.push(`${t} on ${where}`);
        } catch (err) {
          result.leftAlone.push(`${node.name} on ${where} (${errorText(err)})`);
        }
        this.deps.model.forget(node.hostId, node.uuid);
      }),
    );
    this.deps.log(`${by} deleted unknown ${operation}: ${result.removed.join(', ') || 'nothing'}`);
    return result;
  }

  private find(operation: string): UnknownOperation {
    const group = this.list().find((g) => g.operation === operation);
    if (!group) throw notFound(`unknown operation ${operation}`);
    return group;
  }
}
