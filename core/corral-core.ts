import type { CorralApi, SystemInfo } from '../api/corral-api';
import { DisposableStore, type Disposable } from '../api/disposable';
import type { ServiceImpl } from '../api/types';
import type { CallContext } from './call-context';
import { SettingsService } from './settings/settings-service';
import { SystemService } from './system/system-service';

export interface CorralCoreOptions {
  /** The folder for Corral's own store (Electron's userData, or the server's --data-dir). */
  dataDir: string;
  shell: SystemInfo['shell'];
  /** Overrides the local libvirt socket path (tests). */
  libvirtSocket?: string;
}

/** The application: every service, wired to the contract. Transport-agnostic. */
export class CorralCore implements Disposable {
  readonly system: SystemService;
  readonly settings: SettingsService;
  private readonly store = new DisposableStore();

  constructor(options: CorralCoreOptions) {
    this.system = new SystemService({ shell: options.shell, libvirtSocket: options.libvirtSocket });
    this.settings = new SettingsService(options.dataDir);
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
    };
  }

  dispose(): void {
    this.store.dispose();
  }
}
