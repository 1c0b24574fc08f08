import { basename } from 'node:path';
import type { User } from '../../api/accounts-api';
import type { Cluster } from '../../api/clusters-api';
import { CorralError } from '../../api/errors';
import type { Vm } from '../../api/inventory-api';
import { canAccess, notFound, requireOwnership } from '../accounts/authorization';
import type { HostConnections } from '../hosts/host-connections';
import { parseDomainXml } from '../inventory/domain-xml';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import { toCorralError } from '../vm/libvirt-errors';
import { overlayVolumeName, seedVolumeName } from './cluster-naming';
import { oneClusterId, parseSpec } from './cluster-spec';
import { ownVolumeNames } from './node-identity';
import { parseNodeDetails, type NodeDetails } from './node-metadata';
import { domainXml, findDomainByUuid } from './node-resources';
import type { PeerNode } from './node-seed';
import type { ParsedClusterSpec } from './operation-record';

/** An existing node of a cluster, read from its host. */
export interface LiveNode extends PeerNode {
  hostId: string;
  index: number;
}

/** A cluster as its hosts record it: its spec, nodes, owner and identity. */
export interface ExistingCluster {
  spec: ParsedClusterSpec;
  live: LiveNode[];
  ownerId: string;
  clusterId: string | undefined;
}

/** A node's metadata, plus the file names of its disks. */
export type CachedDetails = NodeDetails & { disks: string[] };

/**
 * Clusters as the hosts record them: membership from the inventory's domain list, and each
 * node's details (addresses, keys, spec) from its domain's metadata, read once per domain.
 * Nothing here is stored by Corral: host truth is the only source.
 */
export class ClusterReadModel {
  private readonly details = new Map<string, CachedDetails>();

  constructor(
    private readonly hosts: HostConnections,
    private readonly inventory: Pick<InventoryService, 'snapshot'>,
  ) {}

  /** The user's clusters (all for the administrator). */
  async list(user: User): Promise<Cluster[]> {
    const byName = new Map<string, Vm[]>();
    for (const vm of this.vms()) {
      const m = vm.membership;
      if (!m || !canAccess(user, m.owner)) continue;
      byName.set(m.cluster, [...(byName.get(m.cluster) ?? []), vm]);
    }
    const clusters: Cluster[] = [];
    for (const [name, vms] of byName) {
      vms.sort((a, b) => a.membership!.index - b.membership!.index);
      const details = await Promise.all(
        vms.map((vm) => this.nodeDetails(vm).catch(() => undefined)),
      );
      const nodes = vms.map((vm, i) => ({
        index: vm.membership!.index,
        name: vm.name,
        hostId: vm.hostId,
        addresses: details[i]?.nics.map((n) => n.address.split('/')[0]!) ?? [],
        uuid: vm.uuid,
        state: vm.stale ? `${vm.state} (host unreachable)` : vm.state,
      }));
      const hosts = [...new Set(vms.map((v) => v.hostId))];
      clusters.push({
        name,
        ownerId: vms[0]!.membership!.owner,
        nodes,
        resources: hosts.map((hostId) => {
          const here = vms.flatMap((v, i) => (v.hostId === hostId ? [{ v, d: details[i] }] : []));
          return {
            hostId,
            domains: here.map(({ v }) => v.name),
            // What a delete removes: the node's own disks named as its volumes (node-identity).
            volumes: here.flatMap(({ v, d }) =>
              d
                ? d.disks.filter((disk) => ownVolumeNames(d).has(disk))
                : [
                    overlayVolumeName(name, v.membership!.index),
                    seedVolumeName(name, v.membership!.index),
                  ],
            ),
          };
        }),
      });
    }
    return clusters.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether any domain on a known host is a node of a cluster of this name. */
  nameTaken(name: string): boolean {
    return this.vms().some((vm) => vm.membership?.cluster === name);
  }

  /** The cluster's VMs the user may act on (`not-found` otherwise: no libvirt call made). */
  clusterVms(user: User, cluster: string): Vm[] {
    const vms = this.vms().filter((vm) => vm.membership?.cluster === cluster);
    if (vms.length === 0) throw notFound(`cluster ${cluster}`);
    for (const vm of vms) requireOwnership(user, vm.membership!.owner, `cluster ${cluster}`);
    return vms;
  }

  /** An existing cluster read from its hosts: its spec and nodes (after the ownership check). */
  async existingCluster(user: User, cluster: string): Promise<ExistingCluster> {
    const vms = this.clusterVms(user, cluster);
    const live: LiveNode[] = [];
    let spec: ParsedClusterSpec | undefined;
    const clusterIds = new Set<string | undefined>();
    for (const vm of vms) {
      const details = await this.nodeDetails(vm).catch((err: unknown) => {
        throw toCorralError(err, `reading node ${vm.name}`);
      });
      if (!details?.hostKey || !details.nics[0]) {
        throw new CorralError('conflict', `node ${vm.name} lacks Corral's address or key metadata`);
      }
      if (!spec && details.spec) spec = parseSpec(JSON.parse(details.spec));
      clusterIds.add(details.clusterId);
      live.push({
        hostId: vm.hostId,
        index: details.index,
        name: details.name,
        address: details.nics[0].address.split('/')[0]!,
        hostKey: details.hostKey,
        vcpus: vm.vcpus,
      });
    }
    if (!spec) throw new CorralError('conflict', `cluster ${cluster} has no recorded spec`);
    return {
      spec,
      live,
      ownerId: vms[0]!.membership!.owner,
      clusterId: oneClusterId(cluster, clusterIds),
    };
  }

  /** The cluster identity each of `vms` records (undefined where it cannot be read now). */
  async clusterIdOf(cluster: string, vms: readonly Vm[]): Promise<string | undefined> {
    const ids = await Promise.all(
      vms.map(async (vm) => (await this.nodeDetails(vm).catch(() => undefined))?.clusterId),
    );
    return oneClusterId(cluster, new Set(ids));
  }

  /** Addresses of every Corral node on the online hosts, from their metadata. */
  async nodeAddresses(): Promise<Set<string>> {
    const used = new Set<string>();
    const online = new Set(this.hosts.online().map((h) => h.hostId));
    const vms = this.vms().filter((vm) => vm.membership && online.has(vm.hostId));
    await Promise.all(
      vms.map(async (vm) => {
        const details = await this.nodeDetails(vm).catch(() => undefined);
        for (const nic of details?.nics ?? []) used.add(nic.address.split('/')[0]!);
      }),
    );
    return used;
  }

  /** A host's hostname for messages (its id when the inventory never reached it). */
  hostLabel(hostId: string): string {
    return (
      this.inventory.snapshot(CORE_ITSELF).hosts.find((h) => h.hostId === hostId)?.hostname ??
      hostId
    );
  }

  /** Forgets what was read of a domain (it was removed). */
  forget(hostId: string, uuid: string): void {
    this.details.delete(`${hostId}/${uuid}`);
  }

  /** A node's metadata details (addresses, keys, spec) and disk volume names, read once. */
  async nodeDetails(vm: Vm): Promise<CachedDetails | undefined> {
    const key = `${vm.hostId}/${vm.uuid}`;
    const cached = this.details.get(key);
    if (cached) return cached;
    const client = this.hosts.libvirt(vm.hostId);
    const dom = await findDomainByUuid(client, vm.uuid);
    if (!dom) return undefined;
    const xml = await domainXml(client, dom);
    const parsed = parseNodeDetails(xml);
    if (!parsed) return undefined;
    const disks = parseDomainXml(xml).disks.flatMap((d) => (d.source ? [basename(d.source)] : []));
    const details = { ...parsed, disks };
    this.details.set(key, details);
    return details;
  }

  private vms(): Vm[] {
    return this.inventory.snapshot(CORE_ITSELF).vms;
  }
}
