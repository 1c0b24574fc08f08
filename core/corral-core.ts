import { join } from 'node:path';
import type { CorralApi, SystemInfo } from '../api/corral-api';
import { DisposableStore, type Disposable } from '../api/disposable';
import { CorralError } from '../api/errors';
import type { ServiceImpl } from '../api/types';
import { AccountsService } from './accounts/accounts-service';
import { canAccess } from './accounts/authorization';
import { VmAccess } from './accounts/vm-access';
import type { CallContext } from './call-context';
import { ConsoleService } from './console/console-service';
import type { HostConnections } from './hosts/host-connections';
import { hostViewFor } from './hosts/host-view-for';
import { HostsService, type HostsServiceOptions } from './hosts/hosts-service';
import { ClusterService, type ClusterServiceOptions } from './clusters/cluster-service';
import { kernelCmdline } from './images/image-boot';
import { BaseImageMarks } from './images/base-image-marks';
import { ImagesService } from './images/images-service';
import { InventoryService } from './inventory/inventory-service';
import { FileKeyCipher } from './secrets/file-key-cipher';
import { tightenDataFolder } from './security/private-files';
import type { SecretCipher } from './secrets/secret-cipher';
import { NetworkPolicyStore } from './policy/network-policy-store';
import { SettingsService } from './settings/settings-service';
import { AdminNotices } from './system/admin-notices';
import { SystemService } from './system/system-service';
import { TaskEngine } from './tasks/task-engine';
import { TasksService } from './tasks/tasks-service';
import { VmService } from './vm/vm-service';

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
}

/** The application: every service, wired to the contract. Transport-agnostic. */
export class CorralCore implements Disposable {
  /** Who each session is; the authorization helpers (core/accounts/authorization) use it. */
  readonly accounts: AccountsService;
  /** The VM ownership check (owner or administrator), from the inventory's cached metadata. */
  readonly vmAccess: VmAccess;
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
  private readonly store = new DisposableStore();

  constructor(options: CorralCoreOptions) {
    // Before any store opens its file: files from older versions may be readable by others.
    tightenDataFolder(options.dataDir);
    const reportDataProblem = this.notices.reportDataProblem;
    this.system = new SystemService({ shell: options.shell, libvirtSocket: options.libvirtSocket });
    this.settings = new SettingsService(options.dataDir, reportDataProblem);
    this.accounts = new AccountsService(options.dataDir, { reportDataProblem });
    const cipher = options.cipher ?? new FileKeyCipher(options.dataDir);
    this.tasks = this.store.add(
      new TaskEngine({ file: join(options.dataDir, 'tasks.jsonl'), report: reportDataProblem }),
    );
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
    this.vmAccess = new VmAccess(this.accounts, (ref) => this.inventory.ownerOf(ref));
    const vmAccess = this.vmAccess;
    this.consoles = hostConnections
      ? this.store.add(
          new ConsoleService(hostConnections, {
            access: {
              authorize: (ref, ctx) => void vmAccess.require(ref, ctx),
              canSee: (ref, ctx) => vmAccess.canSee(ref, ctx),
            },
          }),
        )
      : undefined;
    this.vms = new VmService({
      hosts: hostConnections,
      nameOf: (ref) => this.inventory.nameOf(ref),
      authorize: (ref, _action, ctx) => void vmAccess.require(ref, ctx),
    });
    // Images: every signed-in user lists the marked ones; only the administrator uploads,
    // removes and marks.
    this.images = this.store.add(
      new ImagesService(hostConnections, {
        access: this.accounts,
        marks: new BaseImageMarks(options.dataDir, reportDataProblem),
        dataDir: options.dataDir,
        reportDataProblem,
        notify: (message) => this.notices.add('images', message),
        tasks: { engine: this.tasks, ownerOf: (ctx) => this.accounts.requireUser(ctx).id },
      }),
    );
    this.networkPolicy = new NetworkPolicyStore(options.dataDir, reportDataProblem);
    // Clusters: every operation starts from accounts.requireUser; ownership from node metadata.
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
        reportDataProblem,
        ...options.clusters,
      }),
    );
  }

  private requireConsoles(): ConsoleService {
    if (!this.consoles) throw new CorralError('unavailable', 'no hosts are connected');
    return this.consoles;
  }

  /** The contract implementation the dispatcher serves. */
  get api(): ServiceImpl<CorralApi, CallContext> {
    // The dispatcher has already applied each entry's declared rule (api/corral-access.ts);
    // ownership checks and per-user filtering are on the lines below (or in the service they
    // name), and run before the service touches a host.
    const user = (ctx: CallContext) => this.accounts.requireUser(ctx);
    const admin = (ctx: CallContext) => this.accounts.requireAdmin(ctx);
    const viewer = (ctx: CallContext) => ({
      signedIn: () => this.accounts.me(ctx).user !== null,
      canSee: (owner: string | undefined) => canAccess(this.accounts.me(ctx).user, owner),
      seesHostDetails: () => this.accounts.me(ctx).user?.role === 'admin',
    });
    return {
      system: {
        info: () => this.system.info(),
        notices: (_, ctx) => (admin(ctx), this.notices.list()),
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
        names: (_, ctx) => (user(ctx), this.accounts.userNames(ctx)),
      },
      hosts: {
        // Any signed-in user reads hosts (placement needs them); only the administrator changes.
        // A plain user's view has no SSH user, key path or connection error (hostViewFor).
        list: (_, ctx) => this.hosts.list().map((h) => hostViewFor(h, user(ctx))),
        add: (host, ctx) => (admin(ctx), this.hosts.add(host)),
        update: ({ id, host }, ctx) => (admin(ctx), this.hosts.update(id, host)),
        remove: async ({ id }, ctx) => {
          admin(ctx);
          await this.hosts.remove(id);
          return {};
        },
        trustKey: ({ id, fingerprint }, ctx) => (admin(ctx), this.hosts.trustKey(id, fingerprint)),
        replaceKey: ({ id, fingerprint }, ctx) => (
          admin(ctx),
          this.hosts.replaceKey(id, fingerprint)
        ),
        reconnect: ({ id }, ctx) => (admin(ctx), this.hosts.reconnect(id)),
        onChanged: (emit, ctx) => {
          user(ctx);
          // Who the session is is asked at each emit: a sign-out or sign-in changes the view.
          return this.hosts.onChanged((hosts) => {
            const viewer = this.accounts.me(ctx).user;
            if (viewer) emit(hosts.map((h) => hostViewFor(h, viewer)));
          });
        },
      },
      console: {
        // Ownership: ConsoleService.open / sessions (options.access, from vmAccess).
        open: (ref, stream, ctx) => (user(ctx), this.requireConsoles().open(ref, stream, ctx)),
        sessions: (filter, ctx) => (user(ctx), this.consoles?.sessions(filter, ctx) ?? []),
      },
      inventory: {
        // Filtered per user: a user sees their own VMs, the administrator all.
        snapshot: (_, ctx) => (user(ctx), this.inventory.snapshot(viewer(ctx))),
        onChanged: (emit, ctx) => (user(ctx), this.inventory.onChanged(emit, viewer(ctx))),
        // A VM's load only for its owner or the administrator, checked before anything is read.
        history: ({ subjects }, ctx) => {
          user(ctx);
          for (const s of subjects) if (s.kind === 'vm') this.vmAccess.require(s, ctx);
          return this.inventory.historyOf(subjects);
        },
        onSamples: (emit, ctx) => (user(ctx), this.inventory.onSamples(emit, viewer(ctx))),
      },
      vm: {
        // Ownership: VmService.authorize (from vmAccess), before any libvirt call.
        act: (input, ctx) => this.vms.act(input, ctx),
      },
      images: {
        // Checks: ImagesService (options.access), before any libvirt call.
        list: (_, ctx) => this.images.list(ctx),
        pools: (_, ctx) => this.images.pools(ctx),
        upload: (target, stream, ctx) => this.images.upload(target, stream, ctx),
        remove: (input, ctx) => this.images.remove(input, ctx),
        mark: (ref, ctx) => this.images.mark(ref, ctx),
        unmark: (ref, ctx) => this.images.unmark(ref, ctx),
      },
      networks: {
        // Only the administrator reads or sets what plain users may attach to.
        policy: (_, ctx) => (admin(ctx), this.networkPolicy.get()),
        setPolicy: (policy, ctx) => (admin(ctx), this.networkPolicy.set(policy)),
      },
      clusters: {
        // Checks: ClusterService (accounts.requireUser, then ownership), before any libvirt call.
        // Owners by name, as far as the caller may know them (accounts.userNames).
        list: async (_, ctx) => {
          const clusters = await this.clusters.list(ctx);
          const names = this.accounts.userNames(ctx);
          return clusters.map((c) => ({ ...c, ownerName: names[c.ownerId] ?? c.ownerName }));
        },
        preview: (spec, ctx) => this.clusters.preview(spec, ctx),
        create: (spec, ctx) => this.clusters.create(spec, ctx),
        previewAddNodes: (input, ctx) => this.clusters.previewAddNodes(input, ctx),
        addNodes: (input, ctx) => this.clusters.addNodes(input, ctx),
        remove: (input, ctx) => this.clusters.remove(input, ctx),
        listUnknown: (_, ctx) => (admin(ctx), this.clusters.listUnknown(ctx)),
        adoptUnknown: ({ operation }, ctx) => (
          admin(ctx),
          this.clusters.adoptUnknown(operation, ctx)
        ),
        removeUnknown: ({ operation }, ctx) => (
          admin(ctx),
          this.clusters.removeUnknown(operation, ctx)
        ),
      },
      operations: {
        list: (_, ctx) => this.clusters.listOperations(ctx),
        cancel: ({ id }, ctx) => this.clusters.cancel(id, ctx),
        resume: ({ id }, ctx) => this.clusters.resume(id, ctx),
        rollback: ({ id }, ctx) => this.clusters.rollback(id, ctx),
        onChanged: (emit, ctx) => this.clusters.onChanged(emit, ctx),
      },
      tasks: {
        // Ownership and per-user filtering: TasksService.
        list: (filter, ctx) => this.tasksService.list(filter, ctx),
        get: ({ id }, ctx) => this.tasksService.get(id, ctx),
        cancel: ({ id }, ctx) => this.tasksService.cancel(id, ctx),
        resume: ({ id }, ctx) => this.tasksService.resume(id, ctx),
        rollback: ({ id }, ctx) => this.tasksService.rollback(id, ctx),
        onChanged: (emit, ctx) => this.tasksService.onChanged(emit, ctx),
      },
    };
  }

  dispose(): void {
    this.store.dispose();
  }
}
