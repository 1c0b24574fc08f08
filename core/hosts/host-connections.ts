import type { Client } from 'ssh2';
import type { Disposable } from '../../api/disposable';
import type { LibvirtClient } from '../../native/libvirt';

/**
 * The seam between hosts and everything that uses them (inventory, VM actions, consoles): the
 * live libvirt client of each online host. The hosts service implements it; features subscribe
 * to hosts coming online (a new client: register events again) and going away (mark stale).
 */
export interface HostConnections {
  /** The live client of an online host; throws CorralError('unavailable') otherwise. */
  libvirt(hostId: string): LibvirtClient;
  /**
   * The host's live ssh2 connection, to reach its VMs through it (jump host); undefined
   * for a host reached without SSH ("This computer"). Throws like libvirt() when not online.
   */
  ssh?(hostId: string): Client | undefined;
  /**
   * A second libvirt client to an online host, over the same SSH link (or socket), with its own
   * call queue: for one long blocking call (a migration's Perform) that must not hold up the
   * host's regular calls. The caller closes it.
   */
  dedicated?(hostId: string): Promise<LibvirtClient>;
  /** Hosts online now, with their clients. */
  online(): Array<{ hostId: string; client: LibvirtClient }>;
  /** A host (re)connected: a fresh client whose event registrations are the caller's to make. */
  onHostOnline(listener: (hostId: string, client: LibvirtClient) => void): Disposable;
  /** A host dropped (or was removed): its client is gone; `error` says why. */
  onHostOffline(listener: (hostId: string, error: string) => void): Disposable;
  /** A host was removed from Corral: forget everything about it. */
  onHostRemoved(listener: (hostId: string) => void): Disposable;
}
