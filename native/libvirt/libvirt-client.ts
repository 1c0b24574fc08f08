import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { AuthType, FEATURE_PROGRAM_KEEPALIVE } from './constants';
import {
  type DomainEventName,
  type DomainEventOf,
  domainEventByProc,
  domainEvents,
} from './domain-events';
import { LibvirtRpcError } from './errors';
import { LibvirtStream } from './libvirt-stream';
import {
  type ArgsOf,
  type CallProcedureName,
  type ProcedureName,
  type RetOf,
  type StreamProcedureName,
  procedures,
} from './procedures';
import type { DomainRef } from './protocol-types';
import { type CallOptions, RpcConnection, type RpcConnectionOptions } from './rpc-connection';
import type { XdrReader } from '../xdr';
import type { Codec } from '../xdr';

/** Opens a fresh byte stream to the daemon (a socket, an ssh channel...). Used again on reconnect. */
export type TransportFactory = () => Promise<Duplex>;

/** Options of {@link LibvirtClient.connect}. */
export interface LibvirtClientOptions extends RpcConnectionOptions {
  /** The URI given to CONNECT_OPEN, without transport (e.g. `qemu:///system`, `test:///default`). */
  uri: string;
  /** Open read-only (VIR_CONNECT_RO). */
  readOnly?: boolean;
}

/** A live event registration; survives reconnects (the client registers it again). */
export interface EventSubscription {
  /** The daemon's callback id on the current connection. */
  readonly callbackID: number;
  /** Deregisters on the daemon and stops delivery. */
  unregister(): Promise<void>;
}

type ArgsParam<N extends ProcedureName> =
  ArgsOf<N> extends void
    ? [args?: undefined, opts?: CallOptions]
    : [args: ArgsOf<N>, opts?: CallOptions];

interface Subscription {
  name: DomainEventName;
  dom: DomainRef | null;
  handler: (payload: unknown) => void;
  callbackID: number;
  active: boolean;
}

/**
 * A typed libvirt client: handshake, calls by name from the {@link procedures} table, streams
 * and domain events, reconnect with event re-registration.
 *
 * Events: 'close' (err: Error | undefined) when the connection ends, 'reconnect' after
 * {@link reconnect} succeeded.
 */
export class LibvirtClient extends EventEmitter {
  private conn!: RpcConnection;
  private readonly subs = new Map<number, Subscription>();
  private readonly all = new Set<Subscription>();

  private constructor(
    private readonly open: TransportFactory,
    private readonly opts: LibvirtClientOptions,
  ) {
    super();
  }

  /** Opens a transport, authenticates (NONE or polkit), opts into keepalive and opens `uri`. */
  static async connect(open: TransportFactory, opts: LibvirtClientOptions): Promise<LibvirtClient> {
    const client = new LibvirtClient(open, opts);
    await client.start();
    return client;
  }

  /** The RPC connection in use (changes on reconnect). */
  get connection(): RpcConnection {
    return this.conn;
  }

  private async start(): Promise<void> {
    const transport = await this.open();
    const conn = new RpcConnection(transport, this.opts);
    this.conn = conn;
    conn.on('message', (proc: number, body: XdrReader) => this.onMessage(conn, proc, body));
    conn.on('close', (err: Error | undefined) => {
      if (this.conn === conn) this.emit('close', err);
    });
    try {
      await this.handshake();
    } catch (err) {
      conn.destroy(err as Error);
      throw err;
    }
  }

  private async handshake(): Promise<void> {
    const { types } = await this.call('authList');
    if (!types.includes(AuthType.NONE) && types.length > 0) {
      if (!types.includes(AuthType.POLKIT)) {
        throw new LibvirtRpcError(
          'AUTH',
          `the daemon offers only auth types [${types}]; SASL is not supported`,
        );
      }
      const { complete } = await this.call('authPolkit');
      if (!complete) throw new LibvirtRpcError('AUTH', 'polkit authentication did not complete');
    }
    // Opting into keepalive makes the daemon ping us and accept our pings.
    await this.call('connectSupportsFeature', { feature: FEATURE_PROGRAM_KEEPALIVE });
    await this.call('connectOpen', { name: this.opts.uri, flags: this.opts.readOnly ? 1 : 0 });
  }

  /** Calls a procedure by name; rejects with LibvirtError (daemon) or LibvirtRpcError (client). */
  call<N extends CallProcedureName>(name: N, ...[args, opts]: ArgsParam<N>): Promise<RetOf<N>> {
    const spec = procedures[name];
    return this.conn.call(
      spec.proc,
      spec.args as Codec<unknown>,
      args,
      spec.ret as Codec<RetOf<N>>,
      opts,
    );
  }

  /**
   * Calls a stream-opening procedure (console, volume upload/download) and returns the stream
   * once the daemon accepted it.
   */
  async openStream<N extends StreamProcedureName>(
    name: N,
    args: ArgsOf<N>,
    opts?: CallOptions,
  ): Promise<LibvirtStream> {
    const spec = procedures[name];
    const stream = new LibvirtStream(this.conn, spec.proc, opts?.timeoutMs);
    const serial = await this.conn.callStream(
      spec.proc,
      spec.args as Codec<unknown>,
      args,
      stream,
      opts,
    );
    stream.attach(serial);
    return stream;
  }

  /** Registers `handler` for a domain event (all domains, or only `dom`). */
  async onDomainEvent<K extends DomainEventName>(
    name: K,
    handler: (event: DomainEventOf<K>) => void,
    dom: DomainRef | null = null,
  ): Promise<EventSubscription> {
    const sub: Subscription = {
      name,
      dom,
      handler: handler as (p: unknown) => void,
      callbackID: -1,
      active: true,
    };
    await this.register(sub);
    this.all.add(sub);
    return {
      get callbackID() {
        return sub.callbackID;
      },
      unregister: async () => {
        if (!sub.active) return;
        sub.active = false;
        this.all.delete(sub);
        this.subs.delete(sub.callbackID);
        if (this.conn.isOpen) {
          await this.call('connectDomainEventCallbackDeregisterAny', {
            callbackID: sub.callbackID,
          });
        }
      },
    };
  }

  private async register(sub: Subscription): Promise<void> {
    const { callbackID } = await this.call('connectDomainEventCallbackRegisterAny', {
      eventID: domainEvents[sub.name].eventId,
      dom: sub.dom,
    });
    sub.callbackID = callbackID;
    this.subs.set(callbackID, sub);
  }

  private onMessage(conn: RpcConnection, proc: number, body: XdrReader): void {
    const spec = domainEventByProc.get(proc);
    if (!spec) return; // An event kind we never registered for.
    let payload: { callbackID: number };
    try {
      payload = spec.body.dec(body) as { callbackID: number };
    } catch (err) {
      conn.destroy(
        new LibvirtRpcError('PROTOCOL', `bad event ${proc}: ${(err as Error).message}`, {
          cause: err,
        }),
      );
      return;
    }
    const sub = this.subs.get(payload.callbackID);
    if (sub?.active && sub.name === spec.name) sub.handler(payload);
  }

  /**
   * Drops the current connection (if still open) and connects again through the same factory;
   * event subscriptions are registered again (callback ids change).
   */
  async reconnect(): Promise<void> {
    const old = this.conn;
    if (old.isOpen) old.destroy(new LibvirtRpcError('CLOSED', 'reconnecting'));
    await this.start();
    this.subs.clear();
    for (const sub of this.all) await this.register(sub);
    this.emit('reconnect');
  }

  /** Orderly close: CONNECT_CLOSE, then the transport. */
  async close(): Promise<void> {
    const conn = this.conn;
    if (conn.isOpen) {
      try {
        await this.call('connectClose', undefined, { timeoutMs: 5_000 });
      } catch {
        // Closing anyway: the daemon may already be gone.
      }
    }
    await conn.close();
  }
}
