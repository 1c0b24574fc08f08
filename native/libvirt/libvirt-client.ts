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
import { LibvirtStream, type StreamReadOptions } from './libvirt-stream';
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
  handler: (payload: unknown) => void;
  active: boolean;
}

/**
 * One daemon-side registration per (event, domain filter), fanned out to every local handler:
 * libvirtd refuses a second identical registration on one connection ("event callback already
 * tracked"), as libvirt's own remote driver knows.
 */
interface Registration {
  key: string;
  name: DomainEventName;
  dom: DomainRef | null;
  callbackID: number;
  subs: Set<Subscription>;
  ready: Promise<void>;
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
  private readonly byCallback = new Map<number, Registration>();
  private readonly registrations = new Map<string, Registration>();
  /**
   * Deregistrations on their way, by key. libvirtd allows one registration per event and filter
   * on a connection and may run calls on different worker threads, so a new registration for a
   * key waits until the old one is gone there (else: "event callback already tracked").
   */
  private readonly leaving = new Map<string, Promise<unknown>>();

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
    opts?: CallOptions & StreamReadOptions,
  ): Promise<LibvirtStream> {
    const spec = procedures[name];
    const stream = new LibvirtStream(this.conn, spec.proc, opts?.timeoutMs, {
      maxBufferedBytes: opts?.maxBufferedBytes,
    });
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
    const key = `${name}/${dom?.uuid ?? '*'}`;
    let reg = this.registrations.get(key);
    if (!reg) {
      const fresh: Registration = {
        key,
        name,
        dom,
        callbackID: -1,
        subs: new Set(),
        ready: Promise.resolve(),
      };
      const gone = this.leaving.get(key) ?? Promise.resolve();
      fresh.ready = gone
        .then(() => this.register(fresh))
        .catch((err: unknown) => {
          if (this.registrations.get(key) === fresh) this.registrations.delete(key);
          throw err;
        });
      this.registrations.set(key, fresh);
      reg = fresh;
    }
    await reg.ready;
    const sub: Subscription = { handler: handler as (p: unknown) => void, active: true };
    const owner = reg;
    owner.subs.add(sub);
    return {
      get callbackID() {
        return owner.callbackID;
      },
      unregister: async () => {
        if (!sub.active) return;
        sub.active = false;
        owner.subs.delete(sub);
        if (owner.subs.size > 0 || this.registrations.get(owner.key) !== owner) return;
        this.registrations.delete(owner.key);
        this.byCallback.delete(owner.callbackID);
        if (this.conn.isOpen) {
          const leaving = this.call('connectDomainEventCallbackDeregisterAny', {
            callbackID: owner.callbackID,
          });
          const settled = leaving.catch(() => undefined);
          this.leaving.set(owner.key, settled);
          void settled.then(() => {
            if (this.leaving.get(owner.key) === settled) this.leaving.delete(owner.key);
          });
          await leaving;
        }
      },
    };
  }

  private async register(reg: Registration): Promise<void> {
    const { callbackID } = await this.call('connectDomainEventCallbackRegisterAny', {
      eventID: domainEvents[reg.name].eventId,
      dom: reg.dom,
    });
    reg.callbackID = callbackID;
    this.byCallback.set(callbackID, reg);
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
    const reg = this.byCallback.get(payload.callbackID);
    if (reg?.name !== spec.name) return;
    for (const sub of [...reg.subs]) if (sub.active) sub.handler(payload);
  }

  /**
   * Drops the current connection (if still open) and connects again through the same factory;
   * event subscriptions are registered again (callback ids change).
   */
  async reconnect(): Promise<void> {
    const old = this.conn;
    if (old.isOpen) old.destroy(new LibvirtRpcError('CLOSED', 'reconnecting'));
    await this.start();
    this.byCallback.clear();
    for (const reg of this.registrations.values()) await this.register(reg);
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
