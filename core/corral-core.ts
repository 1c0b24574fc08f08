import { join } from 'node:path';
import type { CorralApi, SystemInfo } from '../api/corral-api';
import type { VmRef } from '../api/inventory-api';
import { DisposableStore, type Disposable } from '../api/disposable';
import { CorralError } from '../api/errors';
import type { ServiceImpl } from '../api/types';
import type { ReportDataProblem } from './persistence/data-problems';
import { AccountsService } from './accounts/accounts-service';
import { canAccess, notFound } from './accounts/authorization';
import { clusterCreatorOf, clusterOwnerOf, type OwnerResolver } from './accounts/owner-resolver';
import type { CallContext } from './call-context';
import { ConsoleService } from './console/console-service';
import type { HostConnections } from './hosts/host-connections';
import { hostViewFor } from './hosts/host-view-for';
import { HostsService, type HostsServiceOptions } from './hosts/hosts-service';
import { ClusterService, type ClusterServiceOptions } from './clusters/cluster-service';
import { migrateOperationsJournal } from './clusters/operations-migration';
import { kernelCmdline } from './images/image-boot';
import { BaseImageMarks } from './images/base-image-marks';
import { ImagesService } from './images/images-service';
import { CORE_ITSELF, InventoryService } from './inventory/inventory-service';
import { FileKeyCipher } from './secrets/file-key-cipher';
import { tightenDataFolder } from './security/private-files';
import type { SecretCipher } from './secrets/secret-cipher';
import { NetworkPolicyStore } from './policy/network-policy-store';
import { SettingsService } from './settings/settings-service';
import { AdminNotices } from './system/admin-notices';
import { SystemService } from './system/system-service';
import { TaskEngine } from './tasks/task-engine';
import { TasksService } from './tasks/tasks-service';
import { ClusterKeyStore } from './clusters/cluster-key-store';
import { clusterResizeRunner, vmResizeRunner } from './resize/resize-runners';
import { ResizeService } from './resize/resize-service';
import type { CheckpointService } from './snapshots/checkpoint-service';
import type { SnapshotService } from './snapshots/snapshot-service';
import { snapshotServices } from './snapshots/snapshot-wiring';
import { VmService } from './vm/vm-service';
import { BalanceService } from './migration/balance-service';
import { MigrationService } from './migration/migration-service';
import { JobsService } from './jobs/jobs-service';
import { JobStore } from './jobs/job-store';
import { jobClusters } from './jobs/job-cluster';
import type { ProgramPipeline } from './jobs/program/program-pipeline';
import { ProgramIntake } from './jobs/program/program-intake';
import { ClusterReadModel } from './clusters/cluster-read-model';

export interface CorralCoreOptions {
  /** The folder for Corral's own store (Electron's userData, or the server's --data-dir). */
  dataDir: string;
  shell: SystemInfo['shell'];
  /** Overrides the local libvirt socket path (tests). */
  libvirtSocket?: string;
  /**
   * Live libvirt clients of the hosts. Until the hosts service is part of the core this comes
   * from outside (tests); without it, consoles answer 'unavailable'.
   */
  hostConnections?: HostConnections;
  /**
   * Encrypts stored host secrets: Electron safeStorage on the desktop; by default an AES-256-GCM
   * key file (mode 0600) in the data folder, as the server uses.
   */
  cipher?: SecretCipher;
  /** Hosts service tuning (tests: timings, backoff, no "This computer"). */
  hosts?: Partial<Omit<HostsServiceOptions, 'dataDir' | 'cipher'>>;
  /** Cluster service tuning (tests, bench: SSH wait, boots per host, a log of node timings). */
  clusters?: Pick<ClusterServiceOptions, 'sshTimeoutMs' | 'bootsPerHost' | 'log'>;
  /** Jobs tuning (tests: the program intake, the output kept per rank and stream). */
  jobs?: { programs?: ProgramPipeline; outputLimitBytes?: number };
}

/** The application: every service, wired to the contract. Transport-agnostic. */
export class CorralCore implements Disposable {
  /** Who each session is; the authorization helpers (core/accounts/authorization) use it. */
  readonly accounts: AccountsService;
  /**
   * Who owns what a call names, for the dispatcher's gate (core/serve-corral.ts): from the
   * inventory's cached metadata and the tasks in memory, never from a host.
   */
  readonly owners: OwnerResolver;
  readonly system: SystemService;
  readonly settings: SettingsService;
  readonly hosts: HostsService;
  readonly consoles: ConsoleService | undefined;
  readonly inventory: InventoryService;
  readonly vms: VmService;
  readonly images: ImagesService;
  readonly clusters: ClusterService;
  /** What Corral set aside or cleaned up by itself, for the administrator. */
  readonly notices = new AdminNotices();
  /** What plain users may attach nodes to; the administrator reads and sets it. */
  readonly networkPolicy: NetworkPolicyStore;
  /** Every long operation; services start tasks here and runners register here. */
  readonly tasks: TaskEngine;
  private readonly tasksService: TasksService;
  /** Resizing VMs and clusters (the work runs as tasks). */
  readonly resize: ResizeService;
  /** VM snapshots and cluster checkpoints (the work runs as tasks). */
  readonly snapshots: SnapshotService;
  readonly checkpoints: CheckpointService;
  /** Moving VMs between hosts (tasks), and balancing load by such moves. */
  readonly migration: MigrationService;
  readonly balance: BalanceService;
  /** MPI jobs on clusters (tasks), their history and output. */
  readonly jobs: JobsService;
  private readonly store = new DisposableStore();

  constructor(options: CorralCoreOptions) {
    // Before any store opens its file: files from older versions may be readable by others.
    tightenDataFolder(options.dataDir);
    const reportDataProblem = this.notices.reportDataProblem;
    this.system = new SystemService({ shell: options.shell, libvirtSocket: options.libvirtSocket });
    this.settings = new SettingsService(options.dataDir, reportDataProblem);
    this.accounts = new AccountsService(options.dataDir, { reportDataProblem });
    const cipher = options.cipher ?? new FileKeyCipher(options.dataDir);
    const taskJournal = join(options.dataDir, 'tasks.jsonl');
    // Cluster operations journaled by an earlier Corral become tasks before the engine reads.
    migrateOperationsJournal(options.dataDir, taskJournal, reportDataProblem);
    this.tasks = this.store.add(new TaskEngine({ file: taskJournal, report: reportDataProblem }));
    this.tasksService = new TasksService(this.tasks, this.accounts);
    this.hosts = this.store.add(
      new HostsService({
        libvirtSocket: options.libvirtSocket,
        ...options.hosts,
        dataDir: options.dataDir,
        cipher,
        reportDataProblem,
      }),
    );
    const hostConnections = options.hostConnections ?? this.hosts;
    this.inventory = this.store.add(new InventoryService(hostConnections));
    this.consoles = hostConnections
      ? this.store.add(
          new ConsoleService(hostConnections, {
            canSee: (ref, ctx) => canAccess(this.accounts.me(ctx).user, this.owners.vm(ref)),
          }),
        )
      : undefined;
    this.vms = new VmService({
      hosts: hostConnections,
      nameOf: (ref) => this.inventory.nameOf(ref),
    });
    // Images: every signed-in user lists the marked ones; only the administrator uploads,
    // removes and marks.
    this.images = this.store.add(
      new ImagesService(hostConnections, {
        users: this.accounts,
        marks: new BaseImageMarks(options.dataDir, reportDataProblem),
        dataDir: options.dataDir,
        reportDataProblem,
        notify: (message) => this.notices.add('images', message),
        tasks: { engine: this.tasks, ownerOf: (ctx) => this.accounts.requireUser(ctx).id },
      }),
    );
    this.networkPolicy = new NetworkPolicyStore(options.dataDir, reportDataProblem);
    // Clusters: the caller (accounts.requireUser) filters listings and owns what they create.
    this.clusters = this.store.add(
      new ClusterService({
        hosts: hostConnections,
        inventory: this.inventory,
        users: this.accounts,
        findImage: (hostId, name) => this.images.findBaseImage(hostId, name),
        imageMarked: (name) => this.images.isMarkedAnywhere(name),
        networkPolicy: () => this.networkPolicy.get(),
        kernelCmdline: () => kernelCmdline(),
        dataDir: options.dataDir,
        cipher,
        tasks: this.tasks,
        reportDataProblem,
        ...options.clusters,
      }),
    );
    // Resize: refused from what Corral knows before any libvirt call; the work runs as tasks,
    // reaching inside cluster nodes with the cluster's key.
    const clusterKeys = new ClusterKeyStore(options.dataDir, cipher, reportDataProblem);
    const resizeDeps = {
      hosts: hostConnections,
      clusterKey: (cluster: string) => clusterKeys.get(cluster)?.privateKey,
      reread: (ref: VmRef) => this.inventory.reread(ref),
      forgetNode: (hostId: string, uuid: string) => this.clusters.forgetNode(hostId, uuid),
    };
    this.tasks.register(vmResizeRunner(resizeDeps));
    this.tasks.register(clusterResizeRunner(resizeDeps));
    this.resize = new ResizeService({
      users: this.accounts,
      inventory: this.inventory,
      tasks: this.tasks,
    });
    ({ snapshots: this.snapshots, checkpoints: this.checkpoints } = snapshotServices({
      hosts: hostConnections,
      tasks: this.tasks,
      users: this.accounts,
      inventory: this.inventory,
      caller: (ctx) => this.accounts.requireUser(ctx),
    }));
    this.migration = new MigrationService();
    this.balance = new BalanceService();
    // Jobs: history and output in the data folder; nodes reached with the cluster's key.
    this.jobs = this.store.add(
      new JobsService({
        tasks: this.tasks,
        store: new JobStore(join(options.dataDir, 'jobs'), reportDataProblem),
        programs: options.jobs?.programs ?? this.programIntake(options.dataDir, reportDataProblem),
        clusters: jobClusters(
          hostConnections,
          new ClusterReadModel(hostConnections, this.inventory),
          (cluster) => clusterKeys.get(cluster)?.privateKey,
        ),
        users: this.accounts,
        ...(options.jobs?.outputLimitBytes
          ? { outputLimitBytes: options.jobs.outputLimitBytes }
          : {}),
      }),
    );
    this.owners = {
      vm: (ref) => this.inventory.ownerOf(ref),
      cluster: (name) => {
        const nodes = clusterOwnerOf(this.inventory.snapshot(CORE_ITSELF).vms, name);
        if (nodes.found) return nodes.owner;
        return clusterCreatorOf(this.tasks, name);
      },
      // Cluster operations are tasks too (an operation's id is its task's).
      // A job outlives its task in the history: its own record names its owner then.
      task: (id) => this.tasks.get(id)?.ownerId ?? this.jobs.ownerOf(id),
    };
  }

  /** The program intake of jobs, closed with the core. */
  private programIntake(dataDir: string, report: ReportDataProblem): ProgramIntake {
    const intake = new ProgramIntake({ dataDir, reportDataProblem: report });
    this.store.add({ dispose: () => intake.close() });
    return intake;
  }

  private requireConsoles(): ConsoleService {
    if (!this.consoles) throw new CorralError('unavailable', 'no hosts are connected');
    return this.consoles;
  }

  /** The contract implementation the dispatcher serves. */
  get api(): ServiceImpl<CorralApi, CallContext> {
    // The dispatcher has already decided each call by its entry's declared rule
    // (api/corral-access.ts, core/accounts/authorization.ts): signed in, administrator, or owner
    // of the VM, cluster or task the input names. Below, the caller is only asked for to filter
    // what a listing shows or to record who did something, never to decide again.
    const user = (ctx: CallContext) => this.accounts.requireUser(ctx);
    const viewer = (ctx: CallContext) => ({
      signedIn: () => this.accounts.me(ctx).user !== null,
      canSee: (owner: string | undefined) => canAccess(this.accounts.me(ctx).user, owner),
      seesHostDetails: () => this.accounts.me(ctx).user?.role === 'admin',
    });
    return {
      system: {
        info: () => this.system.info(),
        notices: () => this.notices.list(),
      },
      settings: {
        get: () => this.settings.get(),
        update: (patch) => this.settings.update(patch),
        onChanged: (emit) => this.settings.onChanged(emit),
      },
      accounts: {
        // Open: these are how a session becomes someone.
        signUp: ({ username, password }, ctx) => this.accounts.signUp(username, password, ctx),
        logIn: ({ username, password }, ctx) => this.accounts.logIn(username, password, ctx),
        logOut: (_, ctx) => {
          this.accounts.logOut(ctx);
          return {};
        },
        me: (_, ctx) => this.accounts.me(ctx),
        names: (_, ctx) => this.accounts.userNames(ctx),
      },
      hosts: {
        // Any signed-in user reads hosts (placement needs them); only the administrator changes.
        // A plain user's view has no SSH user, key path or connection error (hostViewFor).
        list: (_, ctx) => this.hosts.list().map((h) => hostViewFor(h, user(ctx))),
        add: (host) => this.hosts.add(host),
        update: ({ id, host }) => this.hosts.update(id, host),
        remove: async ({ id }) => {
          await this.hosts.remove(id);
          return {};
        },
        trustKey: ({ id, fingerprint }) => this.hosts.trustKey(id, fingerprint),
        replaceKey: ({ id, fingerprint }) => this.hosts.replaceKey(id, fingerprint),
        reconnect: ({ id }) => this.hosts.reconnect(id),
        onChanged: (emit, ctx) =>
          // Who the session is is asked at each emit: a sign-out or sign-in changes the view.
          this.hosts.onChanged((hosts) => {
            const viewer = this.accounts.me(ctx).user;
            if (viewer) emit(hosts.map((h) => hostViewFor(h, viewer)));
          }),
      },
      console: {
        open: (ref, stream) => this.requireConsoles().open(ref, stream),
        // Only the consoles of VMs the caller may see.
        sessions: (filter, ctx) => this.consoles?.sessions(filter, ctx) ?? [],
      },
      inventory: {
        // Filtered per user: a user sees their own VMs, the administrator all.
        snapshot: (_, ctx) => this.inventory.snapshot(viewer(ctx)),
        onChanged: (emit, ctx) => this.inventory.onChanged(emit, viewer(ctx)),
        // Several subjects in one call, so no single owner for the gate: each VM among them is
        // the caller's or the administrator's (the same owners, decided before anything is read).
        history: ({ subjects }, ctx) => {
          const caller = user(ctx);
          for (const s of subjects) {
            if (s.kind === 'vm' && !canAccess(caller, this.owners.vm(s))) {
              throw notFound(`VM ${s.uuid} on host ${s.hostId}`);
            }
          }
          return this.inventory.historyOf(subjects);
        },
        onSamples: (emit, ctx) => this.inventory.onSamples(emit, viewer(ctx)),
      },
      vm: {
        act: (input) => this.vms.act(input),
      },
      images: {
        // A plain user lists the marked images only (ImagesService asks who the caller is).
        list: (_, ctx) => this.images.list(ctx),
        pools: () => this.images.pools(),
        // The uploader owns the upload's task.
        upload: (target, stream, ctx) => this.images.upload(target, stream, ctx),
        remove: (input) => this.images.remove(input),
        mark: (ref) => this.images.mark(ref),
        unmark: (ref) => this.images.unmark(ref),
      },
      networks: {
        policy: () => this.networkPolicy.get(),
        setPolicy: (policy) => this.networkPolicy.set(policy),
      },
      clusters: {
        // Owners by name, as far as the caller may know them (accounts.userNames).
        list: async (_, ctx) => {
          const clusters = await this.clusters.list(ctx);
          const names = this.accounts.userNames(ctx);
          return clusters.map((c) => ({ ...c, ownerName: names[c.ownerId] ?? c.ownerName }));
        },
        // The caller's account decides the network policy and becomes the new cluster's owner.
        preview: (spec, ctx) => this.clusters.preview(spec, ctx),
        create: (spec, ctx) => this.clusters.create(spec, ctx),
        previewAddNodes: (input, ctx) => this.clusters.previewAddNodes(input, ctx),
        addNodes: (input, ctx) => this.clusters.addNodes(input, ctx),
        remove: (input) => this.clusters.remove(input),
        listUnknown: () => this.clusters.listUnknown(),
        adoptUnknown: ({ operation }, ctx) => this.clusters.adoptUnknown(operation, ctx),
        removeUnknown: ({ operation }, ctx) => this.clusters.removeUnknown(operation, ctx),
      },
      operations: {
        list: (_, ctx) => this.clusters.listOperations(ctx),
        cancel: ({ id }, ctx) => this.clusters.cancel(id, ctx),
        resume: ({ id }, ctx) => this.clusters.resume(id, ctx),
        rollback: ({ id }, ctx) => this.clusters.rollback(id, ctx),
        onChanged: (emit, ctx) => this.clusters.onChanged(emit, ctx),
      },
      resize: {
        // Whose it is: the gate (owner:vm / owner:cluster). Capacity: ResizeService, before any call.
        vm: (input, ctx) => this.resize.vm(input, ctx),
        cluster: (input, ctx) => this.resize.cluster(input, ctx),
      },
      tasks: {
        // A plain user lists their own tasks (TasksService asks who the caller is).
        list: (filter, ctx) => this.tasksService.list(filter, ctx),
        get: ({ id }) => this.tasksService.get(id),
        cancel: ({ id }, ctx) => this.tasksService.cancel(id, ctx),
        resume: ({ id }, ctx) => this.tasksService.resume(id, ctx),
        rollback: ({ id }, ctx) => this.tasksService.rollback(id, ctx),
        onChanged: (emit, ctx) => this.tasksService.onChanged(emit, ctx),
      },
      snapshots: {
        // Whose it is: the gate (owner:vm). Every other refusal: SnapshotService, before any task.
        list: (ref, ctx) => this.snapshots.list(ref, ctx),
        create: (input, ctx) => this.snapshots.create(input, ctx),
        checkRevert: (input, ctx) => this.snapshots.checkRevert(input, ctx),
        revert: (input, ctx) => this.snapshots.revert(input, ctx),
        remove: (input, ctx) => this.snapshots.remove(input, ctx),
      },
      checkpoints: {
        // Whose it is: the gate (owner:cluster). Every other refusal: CheckpointService.
        list: (input, ctx) => this.checkpoints.list(input, ctx),
        create: (input, ctx) => this.checkpoints.create(input, ctx),
        checkRevert: (input, ctx) => this.checkpoints.checkRevert(input, ctx),
        revert: (input, ctx) => this.checkpoints.revert(input, ctx),
        remove: (input, ctx) => this.checkpoints.remove(input, ctx),
      },
      migration: {
        // Whose VM it is: the gate (owner:vm). Every other blocker: the pre-flight.
        preflight: (req, ctx) => this.migration.preflight(req, ctx),
        start: (req, ctx) => this.migration.start(req, ctx),
      },
      balance: {
        preview: (policy, ctx) => this.balance.preview(policy, ctx),
        apply: ({ planId }, ctx) => this.balance.apply(planId, ctx),
        auto: () => this.balance.auto(),
        setAuto: ({ enabled, policy }) => this.balance.setAuto(enabled, policy),
      },
      jobs: {
        // Whose cluster or job it is: the gate (owner:cluster / owner:task).
        upload: (req, stream, ctx) => this.jobs.upload(req, stream, ctx),
        start: (req, ctx) => this.jobs.start(req, ctx),
        rerun: (req, ctx) => this.jobs.rerun(req, ctx),
        list: ({ cluster }, ctx) => this.jobs.list(cluster, ctx),
        get: ({ id }) => this.jobs.get(id),
        watch: ({ id }, stream) => this.jobs.watch(id, stream),
        output: (req, stream) => this.jobs.output(req, stream),
        cancel: ({ id }, ctx) => this.jobs.cancel(id, ctx),
        remove: async ({ id }) => {
          await this.jobs.remove(id);
          return {};
        },
        onChanged: (emit, ctx) => this.jobs.onChanged(emit, ctx),
      },
    };
  }

  dispose(): void {
    this.store.dispose();
  }
}
