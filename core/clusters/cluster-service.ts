import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import type { User } from '../../api/accounts-api';
import {
  ClusterSpec,
  type Cluster,
  type ClusterPreview,
  type Operation,
  type PlacementChoice,
  type UnknownOperation,
  type UnknownRemoval,
} from '../../api/clusters-api';
import type { Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import type { BaseImage } from '../../api/images-api';
import type { NetworkPolicy } from '../../api/networks-api';
import type { Vm } from '../../api/inventory-api';
import {
  canAccess,
  notFound,
  requireOwnership,
  type SessionUsers,
} from '../accounts/authorization';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import { parseDomainXml } from '../inventory/domain-xml';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import { OperationJournal } from '../journal/operation-journal';
import type { ReportDataProblem } from '../persistence/data-problems';
import { generateEd25519KeyPair } from '../keys/openssh-ed25519';
import { planPlacement } from '../placement/plan-placement';
import { requireNicsAllowed } from '../policy/network-policy';
import type { HostCapacity } from '../placement/placement-types';
import type { SecretCipher } from '../secrets/secret-cipher';
import { toCorralError } from '../vm/libvirt-errors';
import { allocateAddresses } from './address-pool';
import { ClusterKeyStore } from './cluster-key-store';
import {
  nodeMac,
  nodeName,
  nodeVolumeNames,
  overlayVolumeName,
  seedVolumeName,
} from './cluster-naming';
import { KnownOperations } from './known-operations';
import type { NodeBoot } from './node-blueprint';
import { buildNode, endpointOf, rollbackNode } from './node-builder';
import { ownVolumeNames, removeVerifiedNode, type NodeRemoval } from './node-identity';
import { parseNodeDetails, type NodeDetails } from './node-metadata';
import { domainXml, findDomainByUuid } from './node-resources';
import { clusterFiles, type PeerNode } from './node-seed';
import { connectNode, writeNodeFiles } from './node-ssh';
import {
  ACTIVE_STATUSES,
  toOperation,
  type NodeImage,
  type NodeRecord,
  type OperationRecord,
  type ParsedClusterSpec,
} from './operation-record';
import { SlotLimiter } from './slot-limiter';
import { sealConsoleSignIn } from './console-sign-in';

/** What the cluster service needs from the rest of the core. */
export interface ClusterServiceOptions {
  hosts: HostConnections;
  inventory: Pick<InventoryService, 'snapshot'>;
  users: SessionUsers;
  /** The marked base image `name` on a host (core/images); throws when it has none. */
  findImage(hostId: string, name: string): Promise<BaseImage>;
  /** Whether the administrator marked a volume of this name on any host (no host asked). */
  imageMarked(name: string): boolean;
  /** What plain users may attach NICs to (the administrator is not restricted). */
  networkPolicy(): NetworkPolicy;
  /** The kernel command line for direct-kernel-boot images (core/images). */
  kernelCmdline(): string;
  dataDir: string;
  cipher: SecretCipher;
  /** How long a node may take from start to SSH (default 300 s: TCG boots, shared machine). */
  sshTimeoutMs?: number;
  /** Nodes booting at once per host (default 2). */
  bootsPerHost?: number;
  log?: (line: string) => void;
  /** Where the journal and key store report what they set aside (default: the log). */
  reportDataProblem?: ReportDataProblem;
}

/** A planned node before it is journaled. */
interface PlannedNode {
  index: number;
  name: string;
  hostId: string;
  addresses: string[];
}

interface Plan {
  preview: ClusterPreview;
  nodes: PlannedNode[];
  images: Map<string, NodeImage>;
}

/** An existing node of a cluster, read from its host. */
interface LiveNode extends PeerNode {
  hostId: string;
  index: number;
}

interface Run {
  stop: boolean;
  cancelled: boolean;
  /** Settles when the run has ended and its final state is journaled. */
  done?: Promise<void>;
}

/** A node's metadata, plus the file names of its disks. */
type CachedDetails = NodeDetails & { disks: string[] };

/** Finished operations kept in the journal (and shown) after a restart. */
const KEEP_FINISHED = 50;

/**
 * Virtual clusters: list, preview, create, add nodes, delete, and the journaled
 * operations behind them (cancel, resume, rollback after a crash). Membership and ownership live
 * in each node's libvirt metadata; this service keeps only the journal and the cluster keys.
 * Every entry point starts from one authorization check, before any libvirt call.
 */
export class ClusterService implements Disposable {
  private readonly journal: OperationJournal<OperationRecord>;
  private readonly keys: ClusterKeyStore;
  private readonly known: KnownOperations;
  private readonly ops = new Map<string, OperationRecord>();
  private readonly runs = new Map<string, Run>();
  private readonly changed = new Emitter<OperationRecord>();
  private readonly limiter: SlotLimiter;
  private readonly details = new Map<string, CachedDetails>();
  private readonly log: (line: string) => void;
  private disposed = false;

  constructor(private readonly options: ClusterServiceOptions) {
    const report = options.reportDataProblem;
    this.journal = new OperationJournal(join(options.dataDir, 'operations.jsonl'), report);
    this.keys = new ClusterKeyStore(options.dataDir, options.cipher, report);
    this.limiter = new SlotLimiter(options.bootsPerHost ?? 2);
    this.log = options.log ?? (() => {});
    const records = this.journal.load();
    // The journal forgets finished operations; the known-operations list keeps their ids.
    this.known = new KnownOperations(join(options.dataDir, 'known-operations.json'));
    this.known.add(
      records.map((r) => ({ id: r.id, cluster: r.cluster, source: 'journal', at: r.startedAt })),
    );
    for (const r of records) {
      // Corral stopped while these ran: they wait for a person to resume or roll them back.
      if (ACTIVE_STATUSES.has(r.status)) r.status = 'interrupted';
      this.ops.set(r.id, r);
    }
    const finished = records.filter((r) => !ACTIVE_STATUSES.has(r.status) && r.endedAt);
    const drop = new Set(finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)));
    for (const r of drop) this.ops.delete(r.id);
    this.journal.compact([...this.ops.values()]);
  }

  // ---- clusters ----------------------------------------------------------------------------

  /** The caller's clusters (all for the administrator), from node metadata on the hosts. */
  async list(ctx: CallContext): Promise<Cluster[]> {
    const user = this.authorize(ctx);
    const byName = new Map<string, Vm[]>();
    for (const vm of this.options.inventory.snapshot(CORE_ITSELF).vms) {
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

  /**
   * Drops what was read of a cluster's nodes (their metadata changed: a resize recorded new
   * sizes), so the next add-nodes reads the spec from the hosts again.
   */
  forgetNodeDetails(cluster: string): void {
    for (const [key, details] of this.details) {
      if (details.cluster === cluster) this.details.delete(key);
    }
  }

  /** Where each node would land; creates nothing. */
  async preview(input: unknown, ctx: CallContext): Promise<ClusterPreview> {
    const user = this.authorize(ctx);
    const spec = parseSpec(input);
    // A taken name first: one answer whoever holds it, whatever else is wrong with the spec.
    this.checkNameFree(spec.name);
    this.checkPolicy(user, spec);
    return (await this.plan(spec, spec.placement, indices(0, spec.nodes))).preview;
  }

  /** Starts creating a cluster; returns its operation at once (progress: onChanged). */
  async create(input: unknown, ctx: CallContext): Promise<Operation> {
    const user = this.authorize(ctx);
    // A typed console password becomes its hash here, before the journal or any host sees it.
    const spec = sealConsoleSignIn(parseSpec(input));
    // A taken name first: one answer whoever holds it, whatever else is wrong with the spec.
    this.checkNameFree(spec.name);
    this.checkPolicy(user, spec);
    const plan = await this.plan(spec, spec.placement, indices(0, spec.nodes));
    this.checkNameFree(spec.name); // again: planning awaited
    this.keys.put(spec.name, generateEd25519KeyPair(`corral-cluster-${spec.name}`));
    const op = this.newOperation('create', spec, user.id, plan, randomUUID());
    this.start(op);
    return toOperation(op);
  }

  async previewAddNodes(
    input: { cluster: string; count: number; placement: PlacementChoice },
    ctx: CallContext,
  ): Promise<ClusterPreview> {
    const user = this.authorize(ctx);
    const { spec, live } = await this.existingCluster(user, input.cluster);
    this.checkPolicy(user, spec);
    const next = Math.max(...live.map((n) => n.index)) + 1;
    return (await this.plan(spec, input.placement, indices(next, input.count))).preview;
  }

  /** Adds nodes; when they answer, /etc/hosts, hostfile and known_hosts are rewritten on all. */
  async addNodes(
    input: { cluster: string; count: number; placement: PlacementChoice },
    ctx: CallContext,
  ): Promise<Operation> {
    const user = this.authorize(ctx);
    const { spec, live, ownerId, clusterId } = await this.existingCluster(user, input.cluster);
    // The cluster's own spec, read from its nodes, meets today's marks and policy.
    this.checkPolicy(user, spec);
    if (!this.keys.get(spec.name)) {
      throw new CorralError(
        'conflict',
        `this Corral does not hold the SSH key of cluster ${spec.name} (it was created elsewhere)`,
      );
    }
    this.checkNoActiveOperation(spec.name);
    const next = Math.max(...live.map((n) => n.index)) + 1;
    const plan = await this.plan(spec, input.placement, indices(next, input.count));
    const op = this.newOperation(
      'add-nodes',
      { ...spec, placement: input.placement },
      ownerId,
      plan,
      clusterId,
    );
    op.existing = live;
    this.save(op);
    this.start(op);
    return toOperation(op);
  }

  /** Deletes a cluster; `confirm` must list exactly its domains (what the person was shown). */
  async remove(
    input: { cluster: string; confirm: string[] },
    ctx: CallContext,
  ): Promise<Operation> {
    const user = this.authorize(ctx);
    const vms = this.clusterVms(user, input.cluster);
    const names = vms.map((v) => v.name).sort();
    const confirmed = [...new Set(input.confirm)].sort();
    if (names.join('\n') !== confirmed.join('\n')) {
      throw new CorralError(
        'bad-request',
        `to delete cluster ${input.cluster}, confirm exactly its domains: ${names.join(', ')}`,
      );
    }
    this.checkNoActiveOperation(input.cluster);
    // The identity the delete removes: nodes whose metadata says this cluster id (a node on a
    // host that does not answer now is checked when the delete reaches it).
    const ids = await Promise.all(
      vms.map(async (vm) => (await this.nodeDetails(vm).catch(() => undefined))?.clusterId),
    );
    const clusterId = oneClusterId(input.cluster, new Set(ids));
    this.checkNoActiveOperation(input.cluster); // again: reading the nodes awaited
    const op: OperationRecord = {
      id: `op-${randomUUID()}`,
      kind: 'delete',
      cluster: input.cluster,
      ownerId: vms[0]!.membership!.owner,
      status: 'running',
      startedAt: new Date().toISOString(),
      spec: {} as ParsedClusterSpec,
      ...(clusterId ? { clusterId } : {}),
      nodes: vms.map((vm) => ({
        index: vm.membership!.index,
        name: vm.name,
        hostId: vm.hostId,
        phase: 'queued',
        uuid: vm.uuid,
        addresses: [],
        macs: [],
        image: { pool: '', path: '', format: '', boot: { kind: 'disk' } },
        hostKey: { publicKey: '', privateKeySealed: '' },
        touched: {},
      })),
    };
    this.ops.set(op.id, op);
    this.save(op);
    this.start(op);
    return toOperation(op);
  }

  // ---- domains of operations this Corral does not know -------------------------------------

  /**
   * Administrator: domains whose Corral metadata names an operation this Corral never ran nor
   * adopted (another Corral's, or this one's before its journal was lost), by operation.
   */
  listUnknown(ctx: CallContext): UnknownOperation[] {
    this.options.users.requireAdmin(ctx);
    return this.unknownOperations();
  }

  /** Administrator: makes an unknown operation known; its domains are then an ordinary cluster. */
  adoptUnknown(operation: string, ctx: CallContext): UnknownOperation {
    const admin = this.options.users.requireAdmin(ctx);
    const group = this.unknownOperation(operation);
    this.known.add([
      {
        id: operation,
        cluster: group.cluster,
        source: 'adopted',
        by: admin.id,
        at: new Date().toISOString(),
      },
    ]);
    this.log(`${admin.id} adopted ${operation} (cluster ${group.cluster})`);
    return group;
  }

  /**
   * Administrator: removes an unknown operation's domains and their own disks, each checked by
   * UUID and metadata (node-identity); what does not carry that identity is left and reported.
   */
  async removeUnknown(operation: string, ctx: CallContext): Promise<UnknownRemoval> {
    const admin = this.options.users.requireAdmin(ctx);
    const group = this.unknownOperation(operation);
    const members = new Map(
      this.options.inventory
        .snapshot(CORE_ITSELF)
        .vms.flatMap((vm) => (vm.membership ? [[vm.uuid, vm]] : [])),
    );
    const result: UnknownRemoval = { removed: [], leftAlone: [] };
    await Promise.all(
      group.nodes.map(async (node) => {
        const where = this.hostLabel(node.hostId);
        const m = members.get(node.uuid)?.membership;
        try {
          const removal = await removeVerifiedNode(this.options.hosts.libvirt(node.hostId), {
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
        this.details.delete(`${node.hostId}/${node.uuid}`);
      }),
    );
    this.log(`${admin.id} deleted unknown ${operation}: ${result.removed.join(', ') || 'nothing'}`);
    return result;
  }

  private unknownOperations(): UnknownOperation[] {
    const groups = new Map<string, UnknownOperation>();
    for (const vm of this.options.inventory.snapshot(CORE_ITSELF).vms) {
      const m = vm.membership;
      if (!m?.operation || this.known.has(m.operation) || this.ops.has(m.operation)) continue;
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

  private unknownOperation(operation: string): UnknownOperation {
    const group = this.unknownOperations().find((g) => g.operation === operation);
    if (!group) throw notFound(`unknown operation ${operation}`);
    return group;
  }

  // ---- operations --------------------------------------------------------------------------

  listOperations(ctx: CallContext): Operation[] {
    const user = this.authorize(ctx);
    return [...this.ops.values()]
      .filter((op) => canAccess(user, op.ownerId))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .map(toOperation);
  }

  /** Stops queued nodes and rolls back what the operation created. */
  cancel(id: string, ctx: CallContext): Operation {
    const op = this.ownOperation(id, ctx);
    const run = this.runs.get(id);
    if (!run || op.status !== 'running') {
      throw new CorralError('conflict', `operation ${id} is ${op.status}, not running`);
    }
    if (op.kind === 'delete') throw new CorralError('conflict', 'a deletion cannot be cancelled');
    run.stop = true;
    run.cancelled = true;
    op.status = 'cancelling';
    this.save(op);
    return toOperation(op);
  }

  /** Carries an interrupted operation on from its journal (checking each step on the host). */
  resume(id: string, ctx: CallContext): Operation {
    const op = this.ownOperation(id, ctx);
    if (op.status !== 'interrupted') {
      throw new CorralError(
        'conflict',
        `only an interrupted operation can be resumed (it is ${op.status})`,
      );
    }
    op.status = 'running';
    delete op.error;
    for (const n of op.nodes) {
      delete n.error;
      if (n.phase === 'failed') n.phase = 'queued';
    }
    this.save(op);
    this.start(op);
    return toOperation(op);
  }

  /** Removes what an interrupted or failed operation created. */
  rollback(id: string, ctx: CallContext): Operation {
    const op = this.ownOperation(id, ctx);
    if (op.status !== 'interrupted' && op.status !== 'failed') {
      throw new CorralError(
        'conflict',
        `only an interrupted or failed operation can be rolled back (it is ${op.status})`,
      );
    }
    if (op.kind === 'delete') {
      throw new CorralError('bad-request', 'a deletion cannot be undone; resume it to finish it');
    }
    // The first failure stays as the cause; a former "not rolled back" note is redone below.
    const cause = op.nodes.find((n) => n.phase === 'failed' && n.error);
    if (cause) op.error = `${cause.name}: ${cause.error}`;
    else delete op.error;
    const run: Run = { stop: true, cancelled: false };
    this.runs.set(op.id, run);
    run.done = this.rollbackAll(op, 'rolled-back')
      .catch((err: unknown) => {
        op.status = 'failed';
        op.error = errorText(err);
        this.save(op);
      })
      .finally(() => this.runs.delete(op.id));
    return toOperation(op);
  }

  /** Operation changes the caller may see. */
  onChanged(emit: (op: Operation) => void, ctx: CallContext): Disposable {
    this.authorize(ctx);
    return this.changed.on((op) => {
      if (canAccess(this.options.users.me(ctx).user, op.ownerId)) emit(toOperation(op));
    });
  }

  /** Resolves when the operation has ended (tests, bench) with its final state. */
  async settled(id: string): Promise<Operation> {
    await this.runs.get(id)?.done;
    const op = this.ops.get(id);
    if (!op) throw notFound(`operation ${id}`);
    return toOperation(op);
  }

  dispose(): void {
    this.disposed = true;
    for (const run of this.runs.values()) run.stop = true;
    this.changed.clear();
  }

  // ---- planning ----------------------------------------------------------------------------

  private authorize(ctx: CallContext): User {
    return this.options.users.requireUser(ctx);
  }

  /**
   * Refuses, before any storage or libvirt call, an image the administrator did not mark (for
   * everyone: an unmarked volume may be another VM's disk) and, for plain users, a NIC the
   * network policy does not allow.
   */
  private checkPolicy(user: User, spec: ParsedClusterSpec): void {
    if (!this.options.imageMarked(spec.image)) {
      throw new CorralError(
        'forbidden',
        `${spec.image} is not a base image the administrator has marked; choose a marked image`,
      );
    }
    if (user.role !== 'admin') requireNicsAllowed(this.options.networkPolicy(), spec.nics);
  }

  private async plan(
    spec: ParsedClusterSpec,
    placement: PlacementChoice,
    nodeIndices: number[],
  ): Promise<Plan> {
    const online = new Set(this.options.hosts.online().map((h) => h.hostId));
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
    const used = await this.usedAddresses();
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

  /** Addresses of every Corral node on online hosts, and of operations still in flight. */
  private async usedAddresses(): Promise<Set<string>> {
    const used = new Set<string>();
    const online = new Set(this.options.hosts.online().map((h) => h.hostId));
    const vms = this.options.inventory
      .snapshot(CORE_ITSELF)
      .vms.filter((vm) => vm.membership && online.has(vm.hostId));
    await Promise.all(
      vms.map(async (vm) => {
        const details = await this.nodeDetails(vm).catch(() => undefined);
        for (const nic of details?.nics ?? []) used.add(nic.address.split('/')[0]!);
      }),
    );
    // A finished operation's nodes are VMs above (or gone with their cluster); only work in
    // flight, or left behind by a failure, still holds addresses no domain shows yet.
    const settled = new Set(['succeeded', 'cancelled', 'rolled-back']);
    for (const op of this.ops.values()) {
      if (settled.has(op.status) || op.kind === 'delete') continue;
      for (const n of op.nodes) for (const a of n.addresses) used.add(a);
    }
    return used;
  }

  /** A node's metadata details (addresses, keys, spec) and disk volume names, read once. */
  private async nodeDetails(vm: Vm): Promise<CachedDetails | undefined> {
    const key = `${vm.hostId}/${vm.uuid}`;
    const cached = this.details.get(key);
    if (cached) return cached;
    const client = this.options.hosts.libvirt(vm.hostId);
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

  private checkNameFree(name: string): void {
    const taken =
      this.options.inventory
        .snapshot(CORE_ITSELF)
        .vms.some((vm) => vm.membership?.cluster === name) ||
      [...this.ops.values()].some(
        (op) =>
          op.cluster === name && (ACTIVE_STATUSES.has(op.status) || op.status === 'interrupted'),
      );
    // One answer whoever holds the name: it must not name another user's operation or owner.
    if (taken) throw new CorralError('conflict', `the cluster name ${name} is taken`);
  }

  private checkNoActiveOperation(cluster: string): void {
    for (const op of this.ops.values()) {
      if (
        op.cluster === cluster &&
        (ACTIVE_STATUSES.has(op.status) || op.status === 'interrupted')
      ) {
        throw new CorralError(
          'conflict',
          `cluster ${cluster} has an operation that is ${op.status} (${op.id}); let it end, or resume or roll it back`,
        );
      }
    }
  }

  /** The cluster's VMs the user may act on (`not-found` otherwise: no libvirt call made). */
  private clusterVms(user: User, cluster: string): Vm[] {
    const vms = this.options.inventory
      .snapshot(CORE_ITSELF)
      .vms.filter((vm) => vm.membership?.cluster === cluster);
    if (vms.length === 0) throw notFound(`cluster ${cluster}`);
    for (const vm of vms) requireOwnership(user, vm.membership!.owner, `cluster ${cluster}`);
    return vms;
  }

  /** An existing cluster read from its hosts: its spec and nodes (after the ownership check). */
  private async existingCluster(
    user: User,
    cluster: string,
  ): Promise<{
    spec: ParsedClusterSpec;
    live: LiveNode[];
    ownerId: string;
    clusterId: string | undefined;
  }> {
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

  // ---- running operations ------------------------------------------------------------------

  private newOperation(
    kind: 'create' | 'add-nodes',
    spec: ParsedClusterSpec,
    ownerId: string,
    plan: Plan,
    clusterId: string | undefined,
  ): OperationRecord {
    const id = `op-${randomUUID()}`;
    const op: OperationRecord = {
      id,
      kind,
      cluster: spec.name,
      ownerId,
      status: 'running',
      startedAt: new Date().toISOString(),
      spec,
      ...(clusterId ? { clusterId } : {}),
      nodes: plan.nodes.map((n) => {
        const hostKey = generateEd25519KeyPair(`root@${n.name}`);
        return {
          ...n,
          phase: 'queued',
          uuid: randomUUID(),
          macs: spec.nics.map((_, i) => nodeMac(spec.name, n.index, i)),
          volumes: nodeVolumeNames(spec.name, n.index, id),
          image: plan.images.get(n.hostId)!,
          hostKey: {
            publicKey: hostKey.publicKey,
            privateKeySealed: this.keys.seal(hostKey.privateKey),
          },
          touched: {},
        };
      }),
    };
    this.known.add([{ id, cluster: op.cluster, source: 'journal', at: op.startedAt }]);
    this.ops.set(id, op);
    this.save(op);
    return op;
  }

  private ownOperation(id: string, ctx: CallContext): OperationRecord {
    const user = this.authorize(ctx);
    const op = this.ops.get(id);
    if (!op) throw notFound(`operation ${id}`);
    requireOwnership(user, op.ownerId, `operation ${id}`);
    return op;
  }

  /** Journals the operation (fsynced) and tells listeners. */
  private save(op: OperationRecord): void {
    this.journal.write(op);
    this.changed.fire(op);
  }

  private start(op: OperationRecord): void {
    const run: Run = { stop: false, cancelled: false };
    this.runs.set(op.id, run);
    const work = op.kind === 'delete' ? this.runDelete(op) : this.runBuild(op, run);
    run.done = work
      .catch((err: unknown) => {
        op.status = 'failed';
        op.error = errorText(err);
        op.endedAt = new Date().toISOString();
        this.save(op);
      })
      .finally(() => this.runs.delete(op.id));
  }

  private async runBuild(op: OperationRecord, run: Run): Promise<void> {
    const t0 = Date.now();
    const clusterKey = this.keys.get(op.cluster);
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
    const ctx = {
      op,
      hosts: this.options.hosts,
      peers,
      clusterKey,
      hostPrivateKey: (n: NodeRecord) => this.keys.unseal(n.hostKey.privateKeySealed),
      save: () => this.save(op),
      stopped: () => run.stop || this.disposed,
      sshTimeoutMs: this.options.sshTimeoutMs ?? 300_000,
      hostSize: (hostId: string) =>
        this.options.inventory.snapshot(CORE_ITSELF).hosts.find((h) => h.hostId === hostId),
    };
    let firstError: string | undefined;
    await Promise.all(
      op.nodes.map(async (node) => {
        if (node.phase === 'ready') return;
        await this.limiter.run(node.hostId, async () => {
          if (run.stop) {
            node.phase = 'cancelled';
            this.save(op);
            return;
          }
          try {
            await buildNode(ctx, node);
            node.phase = 'ready';
            this.log(`${node.name} ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
          } catch (err) {
            if (run.stop && err instanceof CorralError && err.code === 'cancelled') {
              node.phase = 'cancelled';
            } else {
              node.phase = 'failed';
              node.error = errorText(err);
              firstError ??= `${node.name}: ${node.error}`;
              run.stop = true; // the other nodes stop at their next step
            }
          }
          this.save(op);
        });
      }),
    );
    if (this.disposed) return; // journaled as running: interrupted at the next start
    if (!firstError && !run.cancelled && op.kind === 'add-nodes') {
      try {
        await this.configureAll(op, peers, clusterKey.privateKey);
      } catch (err) {
        firstError = `regenerating cluster files: ${errorText(err)}`;
      }
    }
    if (run.cancelled) {
      await this.rollbackAll(op, 'cancelled');
    } else if (firstError) {
      op.error = firstError;
      await this.rollbackAll(op, 'failed');
    } else {
      op.status = 'succeeded';
      op.endedAt = new Date().toISOString();
      this.save(op);
    }
  }

  /** Rewrites /etc/hosts, the hostfile and known_hosts on every node of the cluster. */
  private async configureAll(
    op: OperationRecord,
    peers: readonly PeerNode[],
    privateKey: string,
  ): Promise<void> {
    for (const n of op.nodes) n.phase = 'configuring';
    this.save(op);
    const files = clusterFiles(peers);
    const everyone = [
      ...(op.existing ?? []),
      ...op.nodes.map((n) => ({
        name: n.name,
        hostId: n.hostId,
        address: n.addresses[0]!,
        hostKey: n.hostKey.publicKey,
      })),
    ];
    await Promise.all(
      everyone.map(async (n) => {
        const ssh = await connectNode(endpointOf(this.options.hosts, n), privateKey);
        try {
          await writeNodeFiles(ssh, files);
        } finally {
          ssh.end();
        }
      }),
    );
    for (const n of op.nodes) n.phase = 'ready';
    this.save(op);
  }

  /** Removes what the operation created on every node; reports what could not be removed. */
  private async rollbackAll(
    op: OperationRecord,
    final: 'failed' | 'cancelled' | 'rolled-back',
  ): Promise<void> {
    op.status = 'rolling-back';
    this.save(op);
    const left: string[] = [];
    const leftAlone: string[] = [];
    await Promise.all(
      op.nodes.map(async (node) => {
        const touched = node.touched.domain || node.touched.seed || node.touched.overlay;
        try {
          if (touched) {
            const notMine = await rollbackNode(this.options.hosts, op, node);
            leftAlone.push(...notMine.map((t) => `${t} on ${this.hostLabel(node.hostId)}`));
          }
          node.touched = {};
          if (touched || node.phase !== 'cancelled') {
            if (node.phase !== 'failed') node.phase = 'rolled-back';
          }
        } catch (err) {
          left.push(`${node.name} on ${this.hostLabel(node.hostId)} (${errorText(err)})`);
        }
      }),
    );
    if (op.kind === 'add-nodes' && op.existing && left.length === 0) {
      // Best effort: the old nodes may already list the removed ones.
      const key = this.keys.get(op.cluster);
      if (key) {
        await this.configureExisting(op, key.privateKey).catch((err: unknown) =>
          left.push(`cluster files on the old nodes (${errorText(err)})`),
        );
      }
    }
    if (op.kind === 'create' && left.length === 0) this.keys.delete(op.cluster);
    if (leftAlone.length > 0) {
      this.log(`rollback of ${op.id} left alone: ${leftAlone.join('; ')}`);
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
    this.save(op);
  }

  /** A host's hostname for messages (its id when the inventory never reached it). */
  private hostLabel(hostId: string): string {
    return (
      this.options.inventory.snapshot(CORE_ITSELF).hosts.find((h) => h.hostId === hostId)
        ?.hostname ?? hostId
    );
  }

  private async configureExisting(op: OperationRecord, privateKey: string): Promise<void> {
    const existing = op.existing ?? [];
    const files = clusterFiles(existing);
    await Promise.all(
      existing.map(async (n) => {
        const ssh = await connectNode(endpointOf(this.options.hosts, n), privateKey);
        try {
          await writeNodeFiles(ssh, files);
        } finally {
          ssh.end();
        }
      }),
    );
  }

  private async runDelete(op: OperationRecord): Promise<void> {
    const failures: string[] = [];
    const leftAlone: string[] = [];
    const byHost = new Map<string, NodeRecord[]>();
    for (const n of op.nodes) byHost.set(n.hostId, [...(byHost.get(n.hostId) ?? []), n]);
    await Promise.all(
      [...byHost].map(async ([hostId, nodes]) => {
        try {
          const client = this.options.hosts.libvirt(hostId);
          for (const node of nodes) {
            if (node.phase === 'rolled-back') continue; // a resumed delete: already gone
            node.phase = 'configuring';
            this.save(op);
            // By the UUID the person was shown, and only if it still says it is this cluster's.
            const removal: NodeRemoval = await removeVerifiedNode(client, {
              uuid: node.uuid,
              cluster: op.cluster,
              owner: op.ownerId,
              ...(op.clusterId ? { clusterId: op.clusterId } : {}),
            });
            if (removal.leftAlone.length > 0) {
              const where = this.hostLabel(hostId);
              leftAlone.push(...removal.leftAlone.map((t) => `${t} on ${where}`));
            }
            if (removal.domain === 'left-alone') {
              node.phase = 'failed';
              node.error = `left alone: ${removal.leftAlone.join('; ')}`;
            } else {
              node.phase = 'rolled-back';
            }
            this.save(op);
          }
        } catch (err) {
          for (const node of nodes) {
            if (node.phase === 'rolled-back') continue;
            node.phase = 'failed';
            node.error = errorText(err);
          }
          failures.push(`${this.hostLabel(hostId)}: ${errorText(err)}`);
        }
      }),
    );
    for (const key of [...this.details.keys()]) {
      if (op.nodes.some((n) => key === `${n.hostId}/${n.uuid}`)) this.details.delete(key);
    }
    const aloneNote = `left alone, not this cluster's: ${leftAlone.join('; ')}`;
    if (failures.length > 0) {
      op.status = 'interrupted';
      op.error = `some nodes could not be deleted (${failures.join('; ')}); resume to retry`;
      if (leftAlone.length > 0) op.error += `. ${aloneNote}`;
    } else if (leftAlone.length > 0) {
      this.log(`delete ${op.id} ${aloneNote}`);
      op.status = op.nodes.some((n) => n.phase === 'failed') ? 'failed' : 'succeeded';
      op.error = aloneNote;
      if (op.status === 'succeeded') this.keys.delete(op.cluster);
    } else {
      op.status = 'succeeded';
      this.keys.delete(op.cluster);
    }
    op.endedAt = new Date().toISOString();
    this.save(op);
  }
}

function parseSpec(input: unknown): ParsedClusterSpec {
  const parsed = ClusterSpec.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`)
      .join('; ');
    throw new CorralError('bad-request', `invalid cluster: ${why}`);
  }
  return parsed.data;
}

/**
 * The one cluster identity nodes of a name carry (undefined for clusters made before it existed).
 * Two identities mean two clusters share the name (two Corrals on the same hosts, say): acting
 * on them as one could remove another's nodes, so that is refused.
 */
function oneClusterId(cluster: string, ids: Set<string | undefined>): string | undefined {
  const known = [...ids].filter((id): id is string => id !== undefined);
  if (known.length > 1) {
    throw new CorralError(
      'conflict',
      `nodes of ${known.length} different clusters are named ${cluster}; Corral will not act on them as one`,
    );
  }
  return known[0];
}

function indices(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
