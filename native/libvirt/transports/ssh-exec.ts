import type { Client } from 'ssh2';
import type { Duplex } from 'node:stream';
import { execChannel } from '../../ssh/exec-channel';
import { libvirtSshCommand } from './ssh-command';

/** Options of {@link openSshTransport}. */
export interface SshTransportOptions {
  /** URI virt-ssh-helper picks the daemon by (default qemu:///system). */
  helperUri?: string;
  /** The daemon's socket for the nc fallback. */
  socketPath?: string;
}

/**
 * A libvirt transport over an existing ssh2 connection: an exec channel running
 * virt-ssh-helper (or nc -U). Use as `() => openSshTransport(ssh)` for {@link LibvirtClient}.
 */
export function openSshTransport(ssh: Client, opts: SshTransportOptions = {}): Promise<Duplex> {
  return execChannel(ssh, libvirtSshCommand(opts.helperUri, opts.socketPath));
}
