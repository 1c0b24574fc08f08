import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { User } from '../../api/accounts-api';
import type {
  Cluster,
  ClusterPreview,
  Operation,
  PlacementChoice,
  UnknownOperation,
  UnknownRemoval,
} from '../../api/clusters-api';
import type { Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import type { BaseImage } from '../../api/images-api';
import type { NetworkPolicy } from '../../api/networks-api';
import {
  canAccess,
  notFound,
  requireOwnership,
  type SessionUsers,
} from '../accounts/authorization';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import { OperationJournal } from '../journal/operation-journal';
import type { ReportDataProblem } from '../persistence/data-problems';
import { generateEd25519KeyPair } from '../keys/openssh-ed25519';
import type { SecretCipher } from '../secrets/secret-cipher';
import { ClusterKeyStore } from './cluster-key-store';
import { nodeMac, nodeVolumeNames } from './cluster-naming';
import { ClusterPlanner, type Plan } from './cluster-planner';
import { ClusterReadModel } from './cluster-read-model';
import { errorText, indices, parseSpec } from './cluster-spec';
import { KnownOperations } from './known-operations';
import { buildNode, endpointOf, rollbackNode } from './node-builder';
import { removeVerifiedNode, type NodeRemoval } from './node-identity';
import { clusterFiles, type PeerNode } from './node-seed';
import { connectNode, writeNodeFiles } from './node-ssh';
import {
  ACTIVE_STATUSES,
  toOperation,
  type NodeRecord,
  type OperationRecord,
  type ParsedClusterSpec,
} from './operation-record';
import { PlanStore, planInputs, type PlanKey } from './plan-store';
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

interface Run {
  stop: boolean;
  cancelled: boolean;
  /** Settles when the run has ended and its final state is journaled. */
  done?: Promise<void>;
}

/** Finished operations kept in the journal (and shown) after a restart. */
const KEEP_FINISHED = 50;

/**
 * Virtual clusters: list, preview, create, add nodes, delete, and the journaled
 * operations behind them (cancel, resume, rollback after a crash). Membership and ownership live
 * in each node's libvirt metadata (read through the read model); placement is the planner's;
 * this service keeps only the journal, the previewed plans and the cluster keys.
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
  private readonly model: ClusterReadModel;
  private readonly planner: ClusterPlanner;
  private readonly plans = new PlanStore<Plan>();
  private readonly log: (line: string) => void;
  private disposed = false;

  constructor(private readonly options: ClusterServiceOptions) {
    const report = options.reportDataProblem;
    this.journal = new OperationJournal(join(options.dataDir, 'operations.jsonl'), report);
    this.keys = new ClusterKeyStore(options.dataDir, options.cipher, report);
    this.limiter = new SlotLimiter(options.bootsPerHost ?? 2);
    this.log = options.log ?? (() => {});
    this.model = new ClusterReadModel(options.hosts, options.inventory);
    this.planner = new ClusterPlanner({
      hosts: options.hosts,
      inventory: options.inventory,
      findImage: (hostId, name) => options.findImage(hostId, name),
      imageMarked: (name) => options.imageMarked(name),
      networkPolicy: () => options.networkPolicy(),
      kernelCmdline: () => options.kernelCmdline(),
      usedAddresses: () => this.usedAddresses(),
    });
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
    return this.model.list(this.authorize(ctx));
  }

  /** Where each node would land; creates nothing. The plan is kept for create (its planId). */
  async preview(input: unknown, ctx: CallContext): Promise<ClusterPreview> {
    const user = this.authorize(ctx);
    const spec = parseSpec(input);
    // A taken name first: one answer whoever holds it, whatever else is wrong with the spec.
    this.checkNameFree(spec.name);
    this.planner.checkPolicy(user, spec);
    const plan = await this.planner.plan(spec, spec.placement, indices(0, spec.nodes));
    const planId = this.plans.put(createKey(user.id, spec), plan);
    return { planId, ...plan.preview };
  }

  /**
   * Starts creating a cluster; returns its operation at once (progress: onChanged). With a
   * `planId` it builds exactly that preview's placement once it checks it still holds.
   */
  async create(input: unknown, ctx: CallContext): Promise<Operation> {
    const user = this.authorize(ctx);
    const planId = planIdOf(input);
    const parsed = parseSpec(input);
    // A typed console password becomes its hash here, before the journal or any host sees it.
    const spec = sealConsoleSignIn(parsed);
    // A taken name first: one answer whoever holds it, whatever else is wrong with the spec.
    this.checkNameFree(spec.name);
    this.planner.checkPolicy(user, spec);
    const plan = planId
      ? await this.planner.recheck(spec, this.plans.take(planId, createKey(user.id, parsed)))
      : await this.planner.plan(spec, spec.placement, indices(0, spec.nodes));
    this.checkNameFree(spec.name); // again: planning awaited
    this.keys.put(spec.name, generateEd25519KeyPair(`corral-cluster-${spec.name}`));
    const op = this.newOperation('create', spec, user.id, plan, randomUUID());
    this.start(op);
    return toOperation(op);
  }

  async previewAddNodes(input: AddNodesInput, ctx: CallContext): Promise<ClusterPreview> {
    const user = this.authorize(ctx);
    const { spec, live } = await this.model.existingCluster(user, input.cluster);
    this.planner.checkPolicy(user, spec);
    const next = Math.max(...live.map((n) => n.index)) + 1;
    const plan = await this.planner.plan(spec, input.placement, indices(next, input.count));
    const planId = this.plans.put(addNodesKey(user.id, input), plan);
    return { planId, ...plan.preview };
  }

  /** Adds nodes; when they answer, /etc/hosts, hostfile and known_hosts are rewritten on all. */
  async addNodes(input: AddNodesInput & { planId?: string }, ctx: CallContext): Promise<Operation> {
    const user = this.authorize(ctx);
    const { spec, live, ownerId, clusterId } = await this.model.existingCluster(
      user,
      input.cluster,
    );
    // The cluster's own spec, read from its nodes, meets today's marks and policy.
    this.planner.checkPolicy(user, spec);
    if (!this.keys.get(spec.name)) {
      throw new CorralError(
        'conflict',
        `this Corral does not hold the SSH key of cluster ${spec.name} (it was created elsewhere)`,
      );
    }
    this.checkNoActiveOperation(spec.name);
    const next = Math.max(...live.map((n) => n.index)) + 1;
    let plan: Plan;
    if (input.planId) {
      const previewed = this.plans.take(input.planId, addNodesKey(user.id, input));
      // The cluster must be as it was previewed: a node added since would share names.
      if (previewed.nodes[0]?.index !== next) {
        throw new CorralError(
          'conflict',
          `cluster ${spec.name} changed since the preview (it has other nodes now); preview again`,
        );
      }
      plan = await this.planner.recheck(spec, previewed);
    } else {
      plan = await this.planner.plan(spec, input.placement, indices(next, input.count));
    }
    this.checkNoActiveOperation(spec.name); // again: planning awaited
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
    const vms = this.model.clusterVms(user, input.cluster);
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
    const clusterId = await this.model.clusterIdOf(input.cluster, vms);
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
        const where = this.model.hostLabel(node.hostId);
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
        this.model.forget(node.hostId, node.uuid);
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

  // ---- checks ------------------------------------------------------------------------------

  private authorize(ctx: CallContext): User {
    return this.options.users.requireUser(ctx);
  }

  /** Addresses of every Corral node on online hosts, and of operations still in flight. */
  private async usedAddresses(): Promise<Set<string>> {
    const used = await this.model.nodeAddresses();
    // A finished operation's nodes are VMs above (or gone with their cluster); only work in
    // flight, or left behind by a failure, still holds addresses no domain shows yet.
    const settled = new Set(['succeeded', 'cancelled', 'rolled-back']);
    for (const op of this.ops.values()) {
      if (settled.has(op.status) || op.kind === 'delete') continue;
      for (const n of op.nodes) for (const a of n.addresses) used.add(a);
    }
    return used;
  }

  private checkNameFree(name: string): void {
    const taken =
      this.model.nameTaken(name) ||
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
            leftAlone.push(...notMine.map((t) => `${t} on ${this.model.hostLabel(node.hostId)}`));
          }
          node.touched = {};
          if (touched || node.phase !== 'cancelled') {
            if (node.phase !== 'failed') node.phase = 'rolled-back';
          }
        } catch (err) {
          left.push(`${node.name} on ${this.model.hostLabel(node.hostId)} (${errorText(err)})`);
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
              const where = this.model.hostLabel(hostId);
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
          failures.push(`${this.model.hostLabel(hostId)}: ${errorText(err)}`);
        }
      }),
    );
    for (const n of op.nodes) this.model.forget(n.hostId, n.uuid);
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

type AddNodesInput = { cluster: string; count: number; placement: PlacementChoice };

/** The preview a create confirms, if any (the spec's schema drops unknown keys). */
function planIdOf(input: unknown): string | undefined {
  const id = (input as { planId?: unknown } | null)?.planId;
  return typeof id === 'string' ? id : undefined;
}

/** A create's plan is for this owner and these inputs; the console sign-in does not place. */
function createKey(ownerId: string, spec: ParsedClusterSpec): PlanKey {
  return {
    ownerId,
    kind: 'create',
    cluster: spec.name,
    inputs: planInputs(spec, ['console']),
  };
}

function addNodesKey(ownerId: string, input: AddNodesInput): PlanKey {
  return {
    ownerId,
    kind: 'add-nodes',
    cluster: input.cluster,
    inputs: planInputs({ count: input.count, placement: input.placement }),
  };
}
