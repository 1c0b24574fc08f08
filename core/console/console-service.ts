import type { ByteStream } from '../../api/byte-stream';
import type { ConsoleSessionInfo } from '../../api/console-api';
import { type Disposable, DisposableStore } from '../../api/disposable';
import { CorralError } from '../../api/errors';
import type { VmRef } from '../../api/inventory-api';
import {
  DomainLifecycle,
  ErrorNumber,
  LibvirtError,
  type DomainRef,
  type EventSubscription,
  type LibvirtClient,
} from '../../native/libvirt';
import type { CallContext } from '../call-context';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import { ConsoleSession, type ConsoleSessionOptions } from './console-session';

/** VIR_DOMAIN_CONSOLE_FORCE: take the console over from a stale client (a crashed Corral). */
const CONSOLE_FORCE = 1;
/** virDomainState values. */
const DOMAIN_RUNNING = 1;
const DOMAIN_SHUTOFF = 5;
const DOMAIN_CRASHED = 6;
/** How long an ended console waits for the lifecycle event that explains it. */
const STOP_EVENT_GRACE_MS = 3_000;
/** Lifecycle details (virDomainEvent*DetailType) saying the domain left for another host. */
const SUSPENDED_MIGRATED = 1;
const STOPPED_MIGRATED = 3;
/** How long a console whose VM migrated looks for it on the other hosts. */
const FOLLOW_MS = 10_000;
const FOLLOW_POLL_MS = 200;
/** What the panes of a console that followed its VM see (one line, no end). */
const MOVED_NOTICE = '\r\n[console: the VM moved to another host; reconnected]\r\n';
/**
 * Console output the libvirt stream may hold while the replay screen parses. The host's
 * connection is shared by every call and console on it, so a console never pauses it: past
 * this the output is dropped (and the loss shown on screen).
 */
export const CONSOLE_SOURCE_CAP = 4 * 1024 * 1024;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface ConsoleServiceOptions {
  /** Passed to every session (tests shrink the pane buffer cap). */
  session?: Pick<ConsoleSessionOptions, 'paneBufferCap'>;
  /**
   * Whether the caller may see a VM's console in the list of open ones (its owner or the
   * administrator), decided without libvirt. Required: there is no "everyone" default. Opening
   * one is decided by the contract's gate before `open` runs.
   */
  canSee(ref: VmRef, ctx: CallContext): boolean;
}

interface Entry {
  /** Where the VM runs now (changes when the console follows a migration). */
  ref: VmRef;
  name: string;
  session: ConsoleSession;
}

const keyOf = (ref: VmRef) => `${ref.hostId}\n${ref.uuid.toLowerCase()}`;

const closedBecause = (why: string, detail?: unknown) =>
  new CorralError('unavailable', `console closed: ${why}`, detail);

/**
 * Serial consoles of VMs: one session per VM, opened on the first attach and kept (with its
 * replay) until the domain stops or its host goes away, so panes can come and go.
 */
export class ConsoleService implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly opening = new Map<string, Promise<Entry>>();
  private readonly store = new DisposableStore();

  constructor(
    private readonly hosts: HostConnections,
    private readonly options: ConsoleServiceOptions,
  ) {
    this.store.add(
      hosts.onHostOffline((hostId, error) =>
        this.closeHost(hostId, closedBecause('host unreachable', { hostError: error })),
      ),
    );
    this.store.add(
      hosts.onHostRemoved((hostId) => this.closeHost(hostId, closedBecause('host removed'))),
    );
  }

  /** Attaches a pane to a VM's console, opening the console if no pane has it yet. */
  async open(ref: VmRef, stream: ByteStream): Promise<void> {
    for (;;) {
      const entry = await this.entry(ref);
      try {
        await entry.session.attach(stream);
        return;
      } catch (err) {
        // The console closed between lookup and attach: a fresh one, if the VM still runs.
        if (entry.session.closed !== err) throw err;
        this.forget(entry);
      }
    }
  }

  /** Sessions open now, optionally of one host. */
  sessions(filter: { hostId?: string }, ctx: CallContext): ConsoleSessionInfo[] {
    const { canSee } = this.options;
    return [...this.entries.values()]
      .filter((e) => !filter.hostId || e.ref.hostId === filter.hostId)
      .filter((e) => canSee(e.ref, ctx))
      .map((e) => ({ ...e.ref, name: e.name, panes: e.session.paneCount }));
  }

  dispose(): void {
    this.store.dispose();
    for (const entry of [...this.entries.values()]) entry.session.dispose();
    this.entries.clear();
  }

  private entry(ref: VmRef): Promise<Entry> {
    const key = keyOf(ref);
    const live = this.entries.get(key);
    if (live && !live.session.closed) return Promise.resolve(live);
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.start(ref).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  private async start(ref: VmRef): Promise<Entry> {
    let bound = await this.bind(ref);
    const session = new ConsoleSession(bound.source, {
      ...this.options.session,
      follow: async () => {
        const b = bound;
        // QEMU closes the console before libvirt reports the stop: give the event a moment
        // (not when the connection itself is gone: no event will come).
        if (b.client.connection.isOpen) {
          await Promise.race([b.stopEvent, delay(STOP_EVENT_GRACE_MS)]);
        }
        if (!b.migrated || entry.session.closed) return undefined;
        const next = await this.findMoved(b.ref);
        if (!next) return undefined;
        this.unregister(b.lifecycle);
        bound = next;
        this.rekey(entry, next.ref);
        return { source: next.source, notice: MOVED_NOTICE };
      },
      explainEnd: async (failure) =>
        bound.closeReason() ??
        (bound.migrated
          ? closedBecause('the VM moved to another host and its console there did not open')
          : await this.explainEnd(bound.client, bound.dom, failure)),
    });
    const entry: Entry = { ref, name: bound.dom.name, session };
    this.entries.set(keyOf(ref), entry);
    session.onClosed(() => {
      this.forget(entry);
      this.unregister(bound.lifecycle);
    });
    return entry;
  }

  /**
   * Opens the console of the VM on one host, with its lifecycle followed: why it stops, and
   * whether it left for another host (a migration) so the session can follow it.
   */
  private async bind(ref: VmRef) {
    const client = this.hosts.libvirt(ref.hostId);
    const dom = await this.lookup(client, ref);
    let closeReason: CorralError | undefined;
    let migrated = false;
    let reasonArrived!: () => void;
    const stopEvent = new Promise<void>((resolve) => (reasonArrived = resolve));
    const stopped = (why: string) => {
      closeReason ??= closedBecause(why);
      reasonArrived();
    };
    // Lifecycle first, so a stop racing the open is not missed.
    const lifecycle = await client.onDomainEvent(
      'lifecycle',
      (e) => {
        if (e.event === DomainLifecycle.SUSPENDED && e.detail === SUSPENDED_MIGRATED) {
          migrated = true;
        }
        if (e.event === DomainLifecycle.STOPPED && e.detail === STOPPED_MIGRATED) {
          migrated = true;
          reasonArrived();
        } else if (e.event === DomainLifecycle.STOPPED) stopped('domain shut off');
        if (e.event === DomainLifecycle.CRASHED) stopped('domain crashed');
      },
      dom,
    );
    let source;
    try {
      source = await domain.openConsole(
        client,
        { dom, devName: null, flags: CONSOLE_FORCE },
        { maxBufferedBytes: CONSOLE_SOURCE_CAP },
      );
    } catch (err) {
      void lifecycle.unregister().catch(() => {});
      throw this.openError(err, dom);
    }
    return {
      ref: { hostId: ref.hostId, uuid: ref.uuid },
      client,
      dom,
      source,
      lifecycle,
      stopEvent,
      get migrated() {
        return migrated;
      },
      closeReason: () => closeReason,
    };
  }

  /** The VM that left `from`'s host, running on another online host: its console there. */
  private async findMoved(
    from: VmRef,
  ): Promise<Awaited<ReturnType<ConsoleService['bind']>> | undefined> {
    const until = Date.now() + FOLLOW_MS;
    while (Date.now() < until) {
      for (const { hostId, client } of this.hosts.online()) {
        if (hostId === from.hostId) continue;
        try {
          const { dom } = await domain.lookupByUuid(
            client,
            { uuid: from.uuid },
            { timeoutMs: 2_000 },
          );
          const { state } = await domain.getState(client, { dom, flags: 0 }, { timeoutMs: 2_000 });
          if (state !== DOMAIN_RUNNING) continue;
          return await this.bind({ hostId, uuid: from.uuid });
        } catch {
          // Not there (yet), or that host is busy: look again.
        }
      }
      await delay(FOLLOW_POLL_MS);
    }
    return undefined;
  }

  private rekey(entry: Entry, ref: VmRef): void {
    this.forget(entry);
    entry.ref = ref;
    this.entries.set(keyOf(ref), entry);
  }

  private async lookup(client: LibvirtClient, ref: VmRef): Promise<DomainRef> {
    try {
      return (await domain.lookupByUuid(client, { uuid: ref.uuid })).dom;
    } catch (err) {
      if (err instanceof LibvirtError && err.code === ErrorNumber.NO_DOMAIN) {
        throw new CorralError('not-found', `no VM ${ref.uuid} on host ${ref.hostId}`);
      }
      throw new CorralError('unavailable', `host ${ref.hostId}: ${(err as Error).message}`);
    }
  }

  private openError(err: unknown, dom: DomainRef): CorralError {
    if (err instanceof LibvirtError && err.code === ErrorNumber.OPERATION_INVALID) {
      return new CorralError('conflict', `VM ${dom.name} is not running: ${err.message}`);
    }
    return new CorralError(
      'unavailable',
      `cannot open the console of ${dom.name}: ${(err as Error).message}`,
    );
  }

  /** The source ended without a lifecycle event yet: ask the host what happened. */
  private async explainEnd(
    client: LibvirtClient,
    dom: DomainRef,
    failure: Error | undefined,
  ): Promise<CorralError> {
    try {
      const { state } = await domain.getState(client, { dom, flags: 0 }, { timeoutMs: 5_000 });
      if (state === DOMAIN_SHUTOFF) return closedBecause('domain shut off');
      if (state === DOMAIN_CRASHED) return closedBecause('domain crashed');
      return closedBecause(
        failure ? failure.message : 'the host ended it (another client may have taken it over)',
      );
    } catch (err) {
      if (err instanceof LibvirtError && err.code === ErrorNumber.NO_DOMAIN) {
        return closedBecause('domain shut off');
      }
      return closedBecause('host unreachable', { error: (err as Error).message });
    }
  }

  private closeHost(hostId: string, reason: CorralError): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.ref.hostId === hostId) entry.session.close(reason);
    }
  }

  private forget(entry: Entry): void {
    const key = keyOf(entry.ref);
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  private unregister(sub: EventSubscription): void {
    // Best effort: on a dropped host the registration died with the connection.
    void sub.unregister().catch(() => {});
  }
}
