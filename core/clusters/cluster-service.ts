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
import { CorralError } from '../../api/errors';
import type { BaseImage } from '../../api/images-api';
import type { NetworkPolicy } from '../../api/networks-api';
import { canAccess, notFound, type SessionUsers } from '../accounts/authorization';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import { CORE_ITSELF, type InventoryService } from '../inventory/inventory-service';
import type { ReportDataProblem } from '../persistence/data-problems';
import { generateEd25519KeyPair } from '../keys/openssh-ed25519';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { TaskContext, TaskRunner, TaskStarter } from '../tasks/task-runner';
import type { Task } from '../../api/tasks-api';
import { ClusterKeyStore } from './cluster-key-store';
import { nodeMac } from './cluster-naming';
import { ClusterPlanner, type Plan } from './cluster-planner';
import { ClusterReadModel } from './cluster-read-model';
import { indices, parseSpec } from './cluster-spec';
import { ClusterBuildRunner, type ClusterRunnerDeps } from './cluster-build-runner';
import { ClusterDeleteRunner } from './cluster-delete-runner';
import { KnownOperations } from './known-operations';
import { ACTIVE_STATUSES, type OperationRecord, type ParsedClusterSpec } from './operation-record';
import {
  CLUSTER_TASK_KINDS,
  TASK_KIND,
  nodeStep,
  operationOf,
  operationTitle,
} from './operation-view';
import { PlanStore, planInputs, type PlanKey } from './plan-store';
import { SlotLimiter } from './slot-limiter';
import { UnknownOperations } from './unknown-operations';
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
  /** The task engine: each operation runs as one of its tasks. */
  tasks: ClusterTaskEngine;
  /** How long a node may take from start to SSH (default 300 s: TCG boots, shared machine). */
  sshTimeoutMs?: number;
  /** Nodes booting at once per host (default 2). */
  bootsPerHost?: number;
  log?: (line: string) => void;
  /** Where the key store reports what it set aside (default: the log). */
  reportDataProblem?: ReportDataProblem;
}

/** The task engine as the cluster service uses it (core/tasks). */
export interface ClusterTaskEngine extends TaskStarter {
  register<S>(runner: TaskRunner<S>): void;
  get(id: string): Task | undefined;
  /** The tasks kept that `match` accepts, newest first (filtered before views are copied). */
  select(match: (task: Pick<Task, 'kind' | 'ownerId' | 'status' | 'targets'>) => boolean): Task[];
  /** A task's runner state as last saved (the operation record). */
  stateOf(id: string): unknown;
  cancel(id: string, by?: string): Promise<Task>;
  resume(id: string, by?: string): Promise<Task>;
  rollback(id: string, by?: string): Promise<Task>;
  onChanged(listener: (task: Task) => void): Disposable;
}

/**
 * Virtual clusters: list, preview, create, add nodes, delete. Membership and ownership live in
 * each node's libvirt metadata (read through the read model); placement is the planner's; each
 * create, add-nodes or delete runs as a task of the engine (the runners), which journals it and
 * offers cancel, resume and rollback. The operations contract is a view over those tasks: an
 * operation's id is its task's. This service keeps the previewed plans and the cluster keys.
 * Who may call each entry point was decided by the contract's gate; the caller is asked for only
 * to filter what they see and to record who owns or asked for what.
 */
export class ClusterService implements Disposable {
  private readonly keys: ClusterKeyStore;
  private readonly known: KnownOperations;
  private readonly unknown: UnknownOperations;
  private readonly model: ClusterReadModel;
  private readonly planner: ClusterPlanner;
  private readonly plans = new PlanStore<Plan>();
  private readonly log: (line: string) => void;
  private readonly tasks: ClusterTaskEngine;
  /** Runner calls in progress, by task (settled waits for them once Corral is stopping). */
  private readonly working = new Map<string, Promise<unknown>>();
  private readonly stopping: Promise<void>;
  private stop = () => {};
  private disposed = false;

  constructor(private readonly options: ClusterServiceOptions) {
    const report = options.reportDataProblem;
    this.keys = new ClusterKeyStore(options.dataDir, options.cipher, report);
    this.log = options.log ?? (() => {});
    this.tasks = options.tasks;
    this.stopping = new Promise((done) => (this.stop = done));
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
    // The task journal forgets old tasks; the known-operations list keeps their ids.
    this.known = new KnownOperations(join(options.dataDir, 'known-operations.json'));
    this.unknown = new UnknownOperations({
      hosts: options.hosts,
      inventory: options.inventory,
      model: this.model,
      known: this.known,
      isOurs: (id) => this.tasks.get(id) !== undefined,
      log: this.log,
    });
    const deps: ClusterRunnerDeps = {
      hosts: options.hosts,
      keys: this.keys,
      known: this.known,
      model: this.model,
      limiter: new SlotLimiter(options.bootsPerHost ?? 2),
      sshTimeoutMs: options.sshTimeoutMs ?? 300_000,
      hostSize: (hostId) =>
        options.inventory.snapshot(CORE_ITSELF).hosts.find((h) => h.hostId === hostId),
      log: this.log,
      disposed: () => this.disposed,
    };
    for (const runner of [
      new ClusterBuildRunner('create', deps),
      new ClusterBuildRunner('add-nodes', deps),
      new ClusterDeleteRunner(deps),
    ]) {
      this.tasks.register(this.tracked(runner));
    }
  }

  // ---- clusters ----------------------------------------------------------------------------

  /**
   * Drops what was read of a node (its metadata changed: a resize recorded the cluster's new
   * sizes), so the next add-nodes reads the spec from the host again.
   */
  forgetNode(hostId: string, uuid: string): void {
    this.model.forget(hostId, uuid);
  }

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
    return this.startTask(this.newOperation('create', spec, user.id, plan, randomUUID()));
  }

  async previewAddNodes(input: AddNodesInput, ctx: CallContext): Promise<ClusterPreview> {
    const user = this.authorize(ctx);
    const { spec, live } = await this.model.existingCluster(input.cluster);
    this.planner.checkPolicy(user, spec);
    const next = Math.max(...live.map((n) => n.index)) + 1;
    const plan = await this.planner.plan(spec, input.placement, indices(next, input.count));
    const planId = this.plans.put(addNodesKey(user.id, input), plan);
    return { planId, ...plan.preview };
  }

  /** Adds nodes; when they answer, /etc/hosts, hostfile and known_hosts are rewritten on all. */
  async addNodes(input: AddNodesInput & { planId?: string }, ctx: CallContext): Promise<Operation> {
    const user = this.authorize(ctx);
    const { spec, live, ownerId, clusterId } = await this.model.existingCluster(input.cluster);
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
    return this.startTask(op);
  }

  /** Deletes a cluster; `confirm` must list exactly its domains (what the person was shown). */
  async remove(input: { cluster: string; confirm: string[] }): Promise<Operation> {
    const vms = this.model.clusterVms(input.cluster);
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
      // The task's id, once it starts.
      id: '',
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
    return this.startTask(op);
  }

  // ---- domains of operations this Corral does not know (administrator) -------------------

  listUnknown(): UnknownOperation[] {
    return this.unknown.list();
  }

  adoptUnknown(operation: string, ctx: CallContext): UnknownOperation {
    const admin = this.options.users.requireUser(ctx);
    return this.unknown.adopt(operation, admin.id);
  }

  async removeUnknown(operation: string, ctx: CallContext): Promise<UnknownRemoval> {
    const admin = this.options.users.requireUser(ctx);
    return this.unknown.remove(operation, admin.id);
  }

  // ---- operations: a view over the cluster tasks --------------------------------------------

  listOperations(ctx: CallContext): Operation[] {
    const user = this.authorize(ctx);
    return this.operations()
      .filter((op) => canAccess(user, op.ownerId))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Stops queued nodes and rolls back what the operation created. */
  async cancel(id: string, ctx: CallContext): Promise<Operation> {
    const { op, user } = this.ownOperation(id, ctx);
    if (op.status !== 'running') {
      throw new CorralError('conflict', `operation ${id} is ${op.status}, not running`);
    }
    if (op.kind === 'delete') throw new CorralError('conflict', 'a deletion cannot be cancelled');
    return this.viewOf(await this.tasks.cancel(id, user.username));
  }

  /** Carries an interrupted operation on from its journal (checking each step on the host). */
  async resume(id: string, ctx: CallContext): Promise<Operation> {
    const { op, user } = this.ownOperation(id, ctx);
    if (op.status !== 'interrupted') {
      throw new CorralError(
        'conflict',
        `only an interrupted operation can be resumed (it is ${op.status})`,
      );
    }
    return this.viewOf(await this.tasks.resume(id, user.username));
  }

  /** Removes what an interrupted or failed operation created. */
  async rollback(id: string, ctx: CallContext): Promise<Operation> {
    const { op, user } = this.ownOperation(id, ctx);
    if (op.status !== 'interrupted' && op.status !== 'failed') {
      throw new CorralError(
        'conflict',
        `only an interrupted or failed operation can be rolled back (it is ${op.status})`,
      );
    }
    if (op.kind === 'delete') {
      throw new CorralError('bad-request', 'a deletion cannot be undone; resume it to finish it');
    }
    return this.viewOf(await this.tasks.rollback(id, user.username));
  }

  /** Operation changes the caller may see. */
  onChanged(emit: (op: Operation) => void, ctx: CallContext): Disposable {
    this.authorize(ctx);
    return this.tasks.onChanged((task) => {
      if (!CLUSTER_TASK_KINDS.has(task.kind)) return;
      const op = this.viewOf(task);
      if (canAccess(this.options.users.me(ctx).user, op.ownerId)) emit(op);
    });
  }

  /**
   * Resolves when the operation has ended (tests, bench) with its final state; once Corral is
   * stopping, when its runner has stopped (the journal then holds it as it was cut off).
   */
  async settled(id: string): Promise<Operation> {
    if (!this.clusterTask(id)) throw notFound(`operation ${id}`);
    const ended = this.tasks.settled(id);
    // Stopping: the runner's last words do not matter, only that it has let go.
    const stopped = this.stopping.then(() => this.working.get(id)?.catch(() => undefined));
    await Promise.race([ended, stopped]);
    return this.viewOf(this.clusterTask(id)!);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
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
    const building = (t: { kind: string }) =>
      t.kind === TASK_KIND.create || t.kind === TASK_KIND['add-nodes'];
    for (const task of this.tasks.select(building)) {
      if (settled.has(this.viewOf(task).status)) continue;
      const op = this.tasks.stateOf(task.id) as OperationRecord;
      for (const n of op.nodes) for (const a of n.addresses) used.add(a);
    }
    return used;
  }

  private checkNameFree(name: string): void {
    const taken =
      this.model.nameTaken(name) ||
      this.operations().some((op) => op.cluster === name && holdsCluster(op));
    // One answer whoever holds the name: it must not name another user's operation or owner.
    if (taken) throw new CorralError('conflict', `the cluster name ${name} is taken`);
  }

  private checkNoActiveOperation(cluster: string): void {
    for (const op of this.operations()) {
      if (op.cluster === cluster && holdsCluster(op)) {
        throw new CorralError(
          'conflict',
          `cluster ${cluster} has an operation that is ${op.status} (${op.id}); let it end, or resume or roll it back`,
        );
      }
    }
  }

  // ---- starting operations -----------------------------------------------------------------

  private newOperation(
    kind: 'create' | 'add-nodes',
    spec: ParsedClusterSpec,
    ownerId: string,
    plan: Plan,
    clusterId: string | undefined,
  ): OperationRecord {
    return {
      // The task's id, once it starts (its runner names the volumes after it).
      id: '',
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
          image: plan.images.get(n.hostId)!,
          hostKey: {
            publicKey: hostKey.publicKey,
            privateKeySealed: this.keys.seal(hostKey.privateKey),
          },
          touched: {},
        };
      }),
    };
  }

  /** Journals the operation as a task (every node a step) and starts its runner. */
  private async startTask(op: OperationRecord): Promise<Operation> {
    const task = await this.tasks.start<OperationRecord>({
      kind: TASK_KIND[op.kind],
      ownerId: op.ownerId,
      title: operationTitle(op),
      targets: [{ kind: 'cluster', cluster: op.cluster }],
      steps: op.nodes.map((n) => ({ id: n.name, label: n.name, ...nodeStep(n, op.kind) })),
      state: op,
    });
    return this.viewOf(this.tasks.get(task.id) ?? task);
  }

  /** The runner, with each call noted while it works (see settled). */
  private tracked(runner: TaskRunner<OperationRecord>): TaskRunner<OperationRecord> {
    const track =
      (call: (ctx: TaskContext<OperationRecord>) => Promise<void>) =>
      (ctx: TaskContext<OperationRecord>): Promise<void> => {
        const work = call(ctx);
        this.working.set(ctx.id, work);
        void work
          .catch(() => undefined)
          .finally(() => {
            if (this.working.get(ctx.id) === work) this.working.delete(ctx.id);
          });
        return work;
      };
    return {
      kind: runner.kind,
      cancellable: runner.cancellable,
      run: track((ctx) => runner.run(ctx)),
      ...(runner.resume ? { resume: track((ctx) => runner.resume!(ctx)) } : {}),
      ...(runner.rollback ? { rollback: track((ctx) => runner.rollback!(ctx)) } : {}),
    };
  }

  // ---- reading operations -------------------------------------------------------------------

  private clusterTask(id: string): Task | undefined {
    const task = this.tasks.get(id);
    return task && CLUSTER_TASK_KINDS.has(task.kind) ? task : undefined;
  }

  private viewOf(task: Task): Operation {
    return operationOf(task, this.tasks.stateOf(task.id) as OperationRecord);
  }

  /** Every cluster operation the engine keeps, as the contract shows it. */
  private operations(): Operation[] {
    return this.tasks.select((t) => CLUSTER_TASK_KINDS.has(t.kind)).map((t) => this.viewOf(t));
  }

  /** The operation (`not-found` when none) and who asks (named in the task's log). */
  private ownOperation(id: string, ctx: CallContext): { op: Operation; user: User } {
    const user = this.authorize(ctx);
    const task = this.clusterTask(id);
    if (!task) throw notFound(`operation ${id}`);
    return { op: this.viewOf(task), user };
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

/** An operation working on its cluster, or cut off while it did (to resume or roll back). */
function holdsCluster(op: Operation): boolean {
  return ACTIVE_STATUSES.has(op.status) || op.status === 'interrupted';
}
