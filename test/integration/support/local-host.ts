import type { Disposable } from '../../../api/disposable';
import { Emitter } from '../../../api/emitter';
import { CorralError } from '../../../api/errors';
import type { HostConnections } from '../../../core/hosts/host-connections';
import { connectUnixSocket, LibvirtClient } from '../../../native/libvirt';

/**
 * The HostConnections seam over this machine's libvirtd, as one host whose client a test may
 * connect, announce, drop and replace. Real libvirt throughout; only the hosts service is absent.
 */
export class LocalHost implements HostConnections {
  client: LibvirtClient | undefined;
  readonly online$ = new Emitter<[string, LibvirtClient]>();
  readonly offline$ = new Emitter<[string, string]>();
  readonly removed$ = new Emitter<string>();

  constructor(
    readonly hostId: string,
    private readonly socket: string,
  ) {}

  /** Opens a client; services hear of it only through {@link announce}. */
  async connect(): Promise<LibvirtClient> {
    this.client = await LibvirtClient.connect(() => connectUnixSocket(this.socket), {
      uri: 'qemu:///system',
    });
    return this.client;
  }

  /** Tells subscribers the host is online with the current client. */
  announce(): void {
    if (this.client) this.online$.fire([this.hostId, this.client]);
  }

  /** Closes the client and tells subscribers the host went away. */
  async drop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.close();
    this.offline$.fire([this.hostId, 'connection closed by the test']);
  }

  libvirt(hostId: string): LibvirtClient {
    if (hostId !== this.hostId || !this.client) {
      throw new CorralError('unavailable', `host ${hostId} is offline`);
    }
    return this.client;
  }
  online() {
    return this.client ? [{ hostId: this.hostId, client: this.client }] : [];
  }
  onHostOnline(l: (hostId: string, client: LibvirtClient) => void): Disposable {
    return this.online$.on(([h, c]) => l(h, c));
  }
  onHostOffline(l: (hostId: string, error: string) => void): Disposable {
    return this.offline$.on(([h, e]) => l(h, e));
  }
  onHostRemoved(l: (hostId: string) => void): Disposable {
    return this.removed$.on(l);
  }
}
