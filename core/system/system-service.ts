import type { SystemInfo } from '../../api/corral-api';
import { LOCAL_LIBVIRT_SOCKET, probeUnixSocket } from './local-libvirt-probe';
import { CORRAL_VERSION } from './version';

export interface SystemServiceOptions {
  shell: SystemInfo['shell'];
  libvirtSocket?: string;
}

/** Facts about this installation, for the About view and bug reports. */
export class SystemService {
  constructor(private readonly options: SystemServiceOptions) {}

  async info(): Promise<SystemInfo> {
    const socketPath = this.options.libvirtSocket ?? LOCAL_LIBVIRT_SOCKET;
    const probe = await probeUnixSocket(socketPath);
    return {
      corralVersion: CORRAL_VERSION,
      nodeVersion: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      shell: this.options.shell,
      localLibvirt: { socketPath, ...probe },
    };
  }
}
