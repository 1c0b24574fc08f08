import type { Disposable } from '../../../api/disposable';
import { Emitter } from '../../../api/emitter';
import { CorralError } from '../../../api/errors';
import type { HostConnections } from '../../../core/hosts/host-connections';
import { LibvirtClient, connectUnixSocket } from '../../../native/libvirt';

/**
 * This machine's libvirtd as the one host. The inventory follows the raw client (online()),
 * while every client handed out through `libvirt(hostId)` — what VM actions and consoles use —
 * is a pass-through wrapper that counts what it forwards to the real client. On top, the raw
 * client records every procedure anyone sends (the inventory included), so a refusal can be
 * shown to have sent no call at all.
 */
export class CountingHost implements HostConnections {
  client!: LibvirtClient;
  /** Every libvirt operation asked of a handed-out client, in order. */
  readonly seen: string[] = [];
  /** Every procedure sent on the raw client, by anyone, in order. */
  readonly procedures: string[] = [];
  private readonly online$ = new Emitter<[string, LibvirtClient]>();

  constructor(readonly hostId: string) {}

  async connect(socket: string): Promise<void> {
    this.client = await LibvirtClient.connect(() => connectUnixSocket(socket), {
      uri: 'qemu:///system',
    });
    const call = this.client.call.bind(this.client);
    const procedures = this.procedures;
    this.client.call = ((name: string, ...rest: unknown[]) => {
      procedures.push(name);
      return (call as (...a: unknown[]) => unknown)(name, ...rest);
    }) as typeof this.client.call;
  }
  libvirt(hostId: string): LibvirtClient {
    this.seen.push(`libvirt(${hostId})`);
    if (hostId !== this.hostId) throw new CorralError('unavailable', `host ${hostId} is offline`);
    const seen = this.seen;
    return new Proxy(this.client, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (['call', 'openStream', 'onDomainEvent'].includes(String(prop))) {
            seen.push(`${String(prop)}(${String(args[0])})`);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
  online() {
    return [{ hostId: this.hostId, client: this.client }];
  }
  onHostOnline(l: (id: string, c: LibvirtClient) => void): Disposable {
    return this.online$.on(([id, c]) => l(id, c));
  }
  onHostOffline(): Disposable {
    return { dispose() {} };
  }
  onHostRemoved(): Disposable {
    return { dispose() {} };
  }
}
