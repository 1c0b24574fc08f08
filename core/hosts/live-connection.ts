import type { Client } from 'ssh2';
import type { LibvirtClient } from '../../native/libvirt';
import type { ConnectOutcome } from './host-status';

/** One established connection to a host's libvirtd (over SSH or the local socket). */
export interface LiveConnection {
  readonly client: LibvirtClient;
  /** The host's ssh2 connection (absent for the local socket): jump host to its VMs. */
  readonly ssh?: Client;
  /**
   * Called once when the link drops (keepalive, EOF, error), with why; `daemon` when only
   * libvirtd went away and the host itself still answers (see ConnectOutcome).
   */
  onClose(listener: (error: string, daemon: boolean) => void): void;
  /** Closes libvirt and the transport under it; onClose listeners are not called. */
  close(): Promise<void>;
}

/** A connection attempt that failed, classified for the status machine. */
export class ConnectFailure extends Error {
  constructor(readonly outcome: Exclude<ConnectOutcome, { kind: 'online' }>) {
    super('error' in outcome ? outcome.error : `host key: ${outcome.kind}`);
    this.name = 'ConnectFailure';
  }
}

/** Opens a fresh connection; throws {@link ConnectFailure}. */
export type Connector = () => Promise<LiveConnection>;

/** Timings of a host connection; tests shorten them. */
export interface ConnectionTiming {
  /** ssh2 keepalive interval and count (issue 5: keepalive on). */
  sshKeepaliveMs: number;
  sshKeepaliveCountMax: number;
  /** libvirt's keepalive (our PINGs) interval and count. */
  libvirtKeepaliveMs: number;
  libvirtKeepaliveCount: number;
  /** Deadline of the SSH handshake (TCP connect, key exchange, auth). */
  sshReadyTimeoutMs: number;
}

/** Dead links are noticed within ~12 s (issue 5 asks for "unreachable" within 20 s). */
export const DEFAULT_TIMING: ConnectionTiming = {
  sshKeepaliveMs: 4_000,
  sshKeepaliveCountMax: 2,
  libvirtKeepaliveMs: 5_000,
  libvirtKeepaliveCount: 3,
  sshReadyTimeoutMs: 15_000,
};

/** One-line text of any thrown value, for status lines. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
