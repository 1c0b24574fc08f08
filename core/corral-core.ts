import type { CorralApi, SystemInfo } from '../api/corral-api';
import { DisposableStore, type Disposable } from '../api/disposable';
import { CorralError } from '../api/errors';
import type { ServiceImpl } from '../api/types';
import type { CallContext } from './call-context';
import { ConsoleService } from './console/console-service';
import type { HostConnections } from './hosts/host-connections';
import { HostsService, type HostsServiceOptions } from './hosts/hosts-service';
import { InventoryService } from './inventory/inventory-service';
import { FileKeyCipher } from './secrets/file-key-cipher';
import type { SecretCipher } from './secrets/secret-cipher';
import { SettingsService } from './settings/settings-service';
import { SystemService } from './system/system-service';
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
}

/** The application: every service, wired to the contract. Transport-agnostic. */
export class CorralCore implements Disposable {
  readonly system: SystemService;
  readonly settings: SettingsService;
  readonly hosts: HostsService;
  readonly consoles: ConsoleService | undefined;
  readonly inventory: InventoryService;
  readonly vms: VmService;
  private readonly store = new DisposableStore();

  constructor(options: CorralCoreOptions) {
    this.system = new SystemService({ shell: options.shell, libvirtSocket: options.libvirtSocket });
    this.settings = new SettingsService(options.dataDir);
    this.hosts = this.store.add(
      new HostsService({
        libvirtSocket: options.libvirtSocket,
        ...options.hosts,
        dataDir: options.dataDir,
        cipher: options.cipher ?? new FileKeyCipher(options.dataDir),
      }),
    );
    const hostConnections = options.hostConnections ?? this.hosts;
    this.consoles = hostConnections
      ? this.store.add(new ConsoleService(hostConnections))
      : undefined;
    this.inventory = this.store.add(new InventoryService(hostConnections));
    this.vms = new VmService({
      hosts: hostConnections,
      nameOf: (ref) => this.inventory.nameOf(ref),
    });
  }

  private requireConsoles(): ConsoleService {
    if (!this.consoles) throw new CorralError('unavailable', 'no hosts are connected');
    return this.consoles;
  }

  /** The contract implementation the dispatcher serves. */
  get api(): ServiceImpl<CorralApi, CallContext> {
    return {
      system: {
        info: () => this.system.info(),
      },
      settings: {
        get: () => this.settings.get(),
        update: (patch) => this.settings.update(patch),
        onChanged: (emit) => this.settings.onChanged(emit),
      },
      hosts: {
        list: () => this.hosts.list(),
        add: (host) => this.hosts.add(host),
        update: ({ id, host }) => this.hosts.update(id, host),
        remove: async ({ id }) => {
          await this.hosts.remove(id);
          return {};
        },
        trustKey: ({ id, fingerprint }) => this.hosts.trustKey(id, fingerprint),
        replaceKey: ({ id, fingerprint }) => this.hosts.replaceKey(id, fingerprint),
        reconnect: ({ id }) => this.hosts.reconnect(id),
        onChanged: (emit) => this.hosts.onChanged(emit),
      },
      console: {
        open: (ref, stream, ctx) => this.requireConsoles().open(ref, stream, ctx),
        sessions: (filter, ctx) => this.consoles?.sessions(filter, ctx) ?? [],
      },
      inventory: {
        snapshot: () => this.inventory.snapshot(),
        onChanged: (emit) => this.inventory.onChanged(emit),
      },
      vm: {
        act: (input, ctx) => this.vms.act(input, ctx),
      },
    };
  }

  dispose(): void {
    this.store.dispose();
  }
}
