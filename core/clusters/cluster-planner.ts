import type { User } from '../../api/accounts-api';
import type { ClusterPreview, PlacementChoice } from '../../api/clusters-api';
import { CorralError } from '../../api/errors';
import type { BaseImage } from '../../api/images-api';
import type { NetworkPolicy } from '../../api/networks-api';
import type { HostConnections } from '../hosts/host-connections';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import { planPlacement } from '../placement/plan-placement';
import type { HostCapacity } from '../placement/placement-types';
import { requireNicsAllowed } from '../policy/network-policy';
import { allocateAddresses } from './address-pool';
import { nodeName } from './cluster-naming';
import type { NodeBoot } from './node-blueprint';
import type { NodeImage, ParsedClusterSpec } from './operation-record';

/** A planned node before it is journaled. */
export interface PlannedNode {
  index: number;
  name: string;
  hostId: string;
  addresses: string[];
}

/** Where each node goes, with what addresses, from which image on its host. */
export interface Plan {
  preview: Omit<ClusterPreview, 'planId'>;
  nodes: PlannedNode[];
  images: Map<string, NodeImage>;
}

export interface ClusterPlannerOptions {
  hosts: HostConnections;
  inventory: Pick<InventoryService, 'snapshot'>;
  /** The marked base image `name` on a host (core/images); throws when it has none. */
  findImage(hostId: string, name: string): Promise<BaseImage>;
  /** Whether the administrator marked a volume of this name on any host (no host asked). */
  imageMarked(name: string): boolean;
  /** What plain users may attach NICs to (the administrator is not restricted). */
  networkPolicy(): NetworkPolicy;
  /** The kernel command line for direct-kernel-boot images (core/images). */
  kernelCmdline(): string;
  /** Addresses held now: by nodes on the hosts and by operations in flight. */
  usedAddresses(): Promise<Set<string>>;
}

/**
 * Plans nodes: which host each lands on (placement over the online hosts that have the image),
 * and which addresses each NIC gets. Also re-checks a previewed plan before it is built.
 */
export class ClusterPlanner {
  constructor(private readonly options: ClusterPlannerOptions) {}

  /**
   * Refuses, before any storage or libvirt call, an image the administrator did not mark (for
   * everyone: an unmarked volume may be another VM's disk) and, for plain users, a NIC the
   * network policy does not allow.
   */
  checkPolicy(user: User, spec: ParsedClusterSpec): void {
    if (!this.options.imageMarked(spec.image)) {
      throw new CorralError(
        'forbidden',
        `${spec.image} is not a base image the administrator has marked; choose a marked image`,
      );
    }
    if (user.role !== 'admin') requireNicsAllowed(this.options.networkPolicy(), spec.nics);
  }

  async plan(
    spec: ParsedClusterSpec,
    placement: PlacementChoice,
    nodeIndices: number[],
  ): Promise<Plan> {
    const online = this.onlineHosts();
    const facts = this.options.inventory
      .snapshot(CORE_ITSELF)
      .hosts.filter((h) => online.has(h.hostId) && !h.stale)
      .sort((a, b) => a.hostname.localeCompare(b.hostname) || a.hostId.localeCompare(b.hostId));
    const images = new Map<string, NodeImage>();
    await Promise.all(
      facts.map(async (h) => {
        const image = await this.options.findImage(h.hostId, spec.image).catch(() => undefined);
        if (image) images.set(h.hostId, this.nodeImage(image));
      }),
    );
    const candidates: HostCapacity[] = facts
      .filter((h) => images.has(h.hostId))
      .map((h) => ({
        hostId: h.hostId,
        name: h.hostname,
        online: true,
        cpus: h.cpus,
        memoryKiB: h.memoryKiB,
        freeMemoryKiB: h.freeMemoryKiB,
        cpuPercent: h.cpuPercent,
      }));
    if (candidates.length === 0) {
      throw new CorralError(
        'conflict',
        facts.length === 0
          ? 'no host is online'
          : `no online host has the base image ${spec.image}`,
      );
    }
    const placed = planPlacement(
      candidates,
      { vcpus: spec.vcpus, memoryKiB: spec.memoryMiB * 1024 },
      nodeIndices.length,
      placement,
    );
    const used = await this.options.usedAddresses();
    const perNic = spec.nics.map((nic) =>
      allocateAddresses(nic.addresses, used, nodeIndices.length),
    );
    const nodes = nodeIndices.map((index, i) => ({
      index,
      name: nodeName(spec.name, index),
      hostId: placed.hostIds[i]!,
      addresses: perNic.map((list) => list[i]!),
    }));
    return { preview: { nodes, hosts: placed.hosts }, nodes, images };
  }

  /**
   * Checks that a previewed plan can still be built as shown: every host it names is connected
   * and still has the image, and no address it hands out has been taken since. Returns the plan
   * with each host's image as found now; throws, naming what changed, otherwise.
   */
  async recheck(spec: ParsedClusterSpec, plan: Plan): Promise<Plan> {
    const online = this.onlineHosts();
    const facts = this.options.inventory.snapshot(CORE_ITSELF).hosts;
    const hostIds = [...new Set(plan.nodes.map((n) => n.hostId))];
    const images = new Map<string, NodeImage>();
    for (const hostId of hostIds) {
      const fact = facts.find((h) => h.hostId === hostId);
      if (!online.has(hostId) || !fact || fact.stale) {
        throw new CorralError(
          'conflict',
          `host ${fact?.hostname ?? hostId} of the previewed placement is no longer connected; preview again`,
        );
      }
      const image = await this.options.findImage(hostId, spec.image).catch(() => undefined);
      if (!image) {
        throw new CorralError(
          'conflict',
          `host ${fact.hostname} no longer has the base image ${spec.image}; preview again`,
        );
      }
      images.set(hostId, this.nodeImage(image));
    }
    const used = await this.options.usedAddresses();
    const taken = plan.nodes.flatMap((n) => n.addresses.filter((a) => used.has(a)));
    if (taken.length > 0) {
      throw new CorralError(
        'conflict',
        `address${taken.length > 1 ? 'es' : ''} ${taken.join(', ')} of the previewed placement ${taken.length > 1 ? 'are' : 'is'} in use now; preview again`,
      );
    }
    return { ...plan, images };
  }

  private onlineHosts(): Set<string> {
    return new Set(this.options.hosts.online().map((h) => h.hostId));
  }

  private nodeImage(image: BaseImage): NodeImage {
    const boot: NodeBoot =
      image.boot.kind === 'kernel'
        ? {
            kind: 'kernel',
            kernelPath: image.boot.kernelPath,
            initrdPath: image.boot.initrdPath,
            cmdline: this.options.kernelCmdline(),
          }
        : { kind: 'disk' };
    return { pool: image.pool, path: image.path, format: image.format, boot };
  }
}
