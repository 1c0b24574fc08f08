import type {
  HostFacts,
  InventoryDelta,
  StatsSample,
  StatsSeries,
  StatsSubject,
  Vm,
  VmRef,
} from '../../api/inventory-api';
import { DisposableStore, toDisposable, type Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import type { LibvirtClient } from '../../native/libvirt';
import type { HostConnections } from '../hosts/host-connections';
import { DeltaBatcher } from './delta-batcher';
import { HostInventory, type InventoryTimings } from './host-inventory';
import { StatsHistory } from './stats-history';
import { VmCopies, type CopyOutcome } from './vm-copies';

/**
 * How long a VM that left its host for another (libvirt said so, or a migration announced it)
 * may be missing before it counts as removed: the target's copy is read a moment after the
 * source's goes, and a client must not see the VM vanish in between.
 */
const MOVE_WAIT_MS = 15_000;
/** How long an announced move is expected at most (a migration that never ends is forgotten). */
const EXPECT_MOVE_MS = 60 * 60_000;
/** How long after a failed read of a host that is still connected it is read again. */
const READ_AGAIN_MS = 10_000;

/** Options of {@link InventoryService}. */
export interface InventoryServiceOptions extends Partial<InventoryTimings> {
  /** Window in which changes are gathered into one delta (ms). */
  batchMs?: number;
  /** How far back the load history of hosts and VMs reaches (ms). */
  historyWindowMs?: number;
  log?: (message: string) => void;
}

/**
 * Whether the viewer may see a VM with this owner (a user sees the VMs they own, the
 * administrator everything). Asked at every emit, so a session that logs out sees nothing more.
 */
export interface InventoryViewer {
  /** Signed in at all (host facts are shown to every signed-in user: placement needs them). */
  signedIn(): boolean;
  canSee(owner: string | undefined): boolean;
  /** The administrator: sees why a host went stale (connection errors name users, paths). */
  seesHostDetails(): boolean;
}

/**
 * Core's own view, for its planning (placement, address pools, name checks): everything. Never
 * handed to a contract caller; every caller-facing read passes that caller's viewer. There is no
 * default viewer, so forgetting one is a type error rather than "everyone".
 */
export const CORE_ITSELF: InventoryViewer = {
  signedIn: () => true,
  canSee: () => true,
  seesHostDetails: () => true,
};

/** Host facts as `viewer` may see them: without the connection error unless administrator. */
function factsFor(facts: HostFacts, viewer: InventoryViewer): HostFacts {
  if (viewer.seesHostDetails() || facts.staleReason === undefined) return facts;
  const { staleReason: _hidden, ...rest } = facts;
  return rest;
}
const vmKey = (r: VmRef) => `${r.hostId}/${r.uuid.toLowerCase()}`;

interface HostEntry {
  live?: HostInventory;
  /** What was known when the host dropped (kept until it comes back or is removed). */
  stale?: { facts: HostFacts | undefined; vms: Vm[] };
}

/**
 * The live inventory of every host: node facts and domains, updated by lifecycle
 * events at once and by one bulk-stats call per host every few seconds. A dropped host's VMs
 * stay, marked stale, until it comes back (then its list is replaced) or is removed.
 */
export class InventoryService implements Disposable {
  private readonly entries = new Map<string, HostEntry>();
  private readonly changed = new Emitter<InventoryDelta>();
  private readonly batcher: DeltaBatcher;
  private readonly store = new DisposableStore();
  private readonly timings: InventoryTimings;
  private readonly log: (message: string) => void;
  private hosts: HostConnections | undefined;
  /** Each known VM's owner (membership metadata), kept until its removal has been emitted. */
  private readonly owners = new Map<string, string | undefined>();
  /** Every host's copy of each VM, and which one is shown (a migration has two for a while). */
  private readonly copies = new VmCopies();
  /** Moves the migration runner announced, by UUID. */
  private readonly expected = new Map<string, { fromHostId: string; until: number }>();
  /** Pending re-reads of hosts whose first read failed. */
  private readonly retries = new Set<ReturnType<typeof setTimeout>>();
  /** Removals held back while the VM is expected on another host, by UUID. */
  private readonly held = new Map<string, { ref: VmRef; timer: ReturnType<typeof setTimeout> }>();
  /** Recent load per host and per VM UUID, so a chart opened now has its past at once. */
  private readonly history: StatsHistory;
  private readonly samples = new Emitter<{
    sample: StatsSample;
    owners: Array<string | undefined>;
  }>();

  constructor(hosts?: HostConnections, options: InventoryServiceOptions = {}) {
    this.timings = {
      statsIntervalMs: options.statsIntervalMs ?? 3_000,
      addressIntervalMs: options.addressIntervalMs ?? 10_000,
    };
    this.log = options.log ?? (() => {});
    this.history = new StatsHistory({
      windowMs: options.historyWindowMs ?? 15 * 60_000,
      periodMs: this.timings.statsIntervalMs,
    });
    this.batcher = this.store.add(
      new DeltaBatcher((d) => {
        this.changed.fire(d);
        // Listeners have filtered the removals by owner; now the owners can go.
        for (const r of d.removals) this.owners.delete(vmKey(r));
      }, options.batchMs ?? 50),
    );
    if (hosts) this.attach(hosts);
  }

  /** Starts following the hosts' connections (once; for a hosts service wired after this one). */
  attach(hosts: HostConnections): void {
    if (this.hosts) throw new Error('InventoryService is already attached to hosts');
    this.hosts = hosts;
    this.store.add(hosts.onHostOnline((id, client) => this.hostOnline(id, client)));
    this.store.add(hosts.onHostOffline((id, error) => this.hostOffline(id, error)));
    this.store.add(hosts.onHostRemoved((id) => this.hostRemoved(id)));
    for (const { hostId, client } of hosts.online()) this.hostOnline(hostId, client);
  }

  /** Everything known now, including what is waiting in the current batch. */
  snapshot(viewer: InventoryViewer): { hosts: HostFacts[]; vms: Vm[] } {
    if (!viewer.signedIn()) return { hosts: [], vms: [] };
    const hosts: HostFacts[] = [];
    const vms: Vm[] = [];
    for (const e of this.entries.values()) {
      const cur = e.live?.current() ?? e.stale;
      if (!cur) continue;
      // A reconnecting host shows its stale list until the fresh one is read.
      const shown = e.live && !cur.facts && e.stale ? e.stale : cur;
      if (shown.facts) hosts.push(factsFor(shown.facts, viewer));
      vms.push(
        ...shown.vms.filter((vm) => this.copies.isShown(vm) && viewer.canSee(vm.membership?.owner)),
      );
    }
    return { hosts, vms };
  }

  /** Live changes, batched; only what `viewer` may see (empty deltas are not sent). */
  onChanged(listener: (delta: InventoryDelta) => void, viewer: InventoryViewer): Disposable {
    return this.changed.on((d) => {
      if (!viewer.signedIn()) return;
      const seen = (r: VmRef) => viewer.canSee(this.owners.get(vmKey(r)));
      const mine: InventoryDelta = {
        ...d,
        hosts: d.hosts.map((h) => factsFor(h, viewer)),
        upserts: d.upserts.filter((vm) => viewer.canSee(vm.membership?.owner)),
        removals: d.removals.filter(seen),
      };
      if (d.moves) {
        const moves = d.moves.filter((m) => seen({ hostId: m.toHostId, uuid: m.uuid }));
        if (moves.length > 0) mine.moves = moves;
        else delete mine.moves;
      }
      const empty =
        mine.hosts.length + mine.upserts.length + mine.removals.length === 0 &&
        mine.resetHosts.length + mine.removedHosts.length === 0;
      if (!empty) listener(mine);
    });
  }

  /**
   * Load histories in the order asked. The caller has checked that the viewer may see each VM
   * (core/corral-core: the owner or the administrator); hosts are shown to every signed-in user.
   */
  historyOf(subjects: readonly StatsSubject[]): {
    windowMs: number;
    periodMs: number;
    series: StatsSeries[];
  } {
    return {
      windowMs: this.history.options.windowMs,
      periodMs: this.history.options.periodMs,
      series: subjects.map((s) =>
        s.kind === 'host' ? this.history.host(s.hostId) : this.history.vm(s.uuid),
      ),
    };
  }

  /** Each host's load sample as it is taken, with only the VMs `viewer` may see. */
  onSamples(listener: (sample: StatsSample) => void, viewer: InventoryViewer): Disposable {
    return this.samples.on(({ sample, owners }) => {
      if (!viewer.signedIn()) return;
      // Asked once per owner, not once per VM: a host's VMs mostly share a few owners.
      const seen = new Map<string | undefined, boolean>();
      const canSee = (owner: string | undefined) => {
        let yes = seen.get(owner);
        if (yes === undefined) seen.set(owner, (yes = viewer.canSee(owner)));
        return yes;
      };
      const vms = sample.vms.filter((_, i) => canSee(owners[i]));
      listener(vms.length === sample.vms.length ? sample : { ...sample, vms });
    });
  }

  /**
   * The owner of a VM from its cached membership metadata; undefined when it has none or is not
   * known (ownership checks decide from this, before any libvirt call).
   */
  ownerOf(ref: VmRef): string | undefined {
    return this.owners.get(vmKey(ref));
  }

  /** Reads a VM again with its disk and pending sizes (after a resize); no-op when unknown. */
  async reread(ref: VmRef): Promise<void> {
    await this.entries.get(ref.hostId)?.live?.reread(ref.uuid);
  }

  /** The name of a VM, when known (for messages). */
  nameOf(ref: VmRef): string | undefined {
    const e = this.entries.get(ref.hostId);
    return e?.live?.nameOf(ref.uuid) ?? e?.stale?.vms.find((v) => v.uuid === ref.uuid)?.name;
  }

  /**
   * The migration runner says the VM is about to leave `fromHostId`: when its copy there goes,
   * wait a moment for it to show up elsewhere rather than report it removed. libvirt's own
   * events say so for a live migration; an offline one has no such event, hence this.
   */
  expectMove(uuid: string, fromHostId: string): Disposable {
    const u = uuid.toLowerCase();
    const entry = { fromHostId, until: Date.now() + EXPECT_MOVE_MS };
    this.expected.set(u, entry);
    return toDisposable(() => {
      if (this.expected.get(u) === entry) this.expected.delete(u);
    });
  }

  /** Sends whatever is batched now (tests; shutdown). */
  flush(): void {
    this.batcher.flush();
  }

  dispose(): void {
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    for (const h of this.held.values()) clearTimeout(h.timer);
    this.held.clear();
    for (const e of this.entries.values()) e.live?.dispose();
    this.entries.clear();
    this.store.dispose();
    this.changed.clear();
    this.samples.clear();
  }

  private hostOnline(hostId: string, client: LibvirtClient): void {
    const entry = this.entries.get(hostId) ?? {};
    if (entry.live) {
      entry.stale ??= entry.live.current();
      entry.live.dispose();
    }
    const live = new HostInventory(hostId, client, this.sinkFor(hostId), this.timings, this.log);
    entry.live = live;
    this.entries.set(hostId, entry);
    // Our own guard: a client that closes is a host that dropped, whoever notices first.
    const onClose = (err?: Error) => {
      if (entry.live === live) this.hostOffline(hostId, err?.message ?? 'connection closed');
    };
    client.once('close', onClose);
    const untie = toDisposable(() => client.off('close', onClose));
    live.start().then(
      () => {
        if (entry.live === live) entry.stale = undefined;
      },
      (err: unknown) => {
        untie.dispose();
        if (entry.live !== live) return;
        this.log(`inventory ${hostId}: could not read the host: ${String(err)}`);
        this.hostOffline(hostId, err instanceof Error ? err.message : String(err));
        this.readAgainLater(hostId, client, entry);
      },
    );
  }

  /**
   * A read that failed on a connection that is still up (a call timed out while the host was
   * busy, say with the job of a migration cut off by a crash) is tried again: no reconnect will
   * come to start it over, and the host's VMs would stay stale for good.
   */
  private readAgainLater(hostId: string, client: LibvirtClient, entry: HostEntry): void {
    if (!client.connection.isOpen) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      if (this.entries.get(hostId) !== entry || entry.live || !client.connection.isOpen) return;
      this.hostOnline(hostId, client);
    }, READ_AGAIN_MS);
    timer.unref?.();
    this.retries.add(timer);
  }

  private hostOffline(hostId: string, error: string): void {
    const entry = this.entries.get(hostId);
    if (!entry?.live) return;
    const live = entry.live;
    entry.live = undefined;
    live.markStale(new Date().toISOString(), error);
    const cur = live.current();
    // Nothing read yet this time: the list from before the reconnect stays, still stale.
    entry.stale = cur.facts ? cur : (entry.stale ?? cur);
    live.dispose();
  }

  private hostRemoved(hostId: string): void {
    const entry = this.entries.get(hostId);
    entry?.live?.dispose();
    this.entries.delete(hostId);
    this.batcher.removeHost(hostId);
    for (const m of this.copies.removeHost(hostId)) this.batcher.move(m.from, m.to);
    this.forgetOwners(hostId);
    this.history.forgetHost(hostId);
  }

  private forgetOwners(hostId: string): void {
    for (const k of [...this.owners.keys()]) if (k.startsWith(`${hostId}/`)) this.owners.delete(k);
  }

  /** Keeps one period's figures in the history and tells the subscribers. */
  private recordSamples(hostId: string, at: number, facts: HostFacts, vms: readonly Vm[]): void {
    const host = {
      cpu: facts.cpuPercent,
      memoryKiB: Math.max(0, facts.memoryKiB - facts.freeMemoryKiB),
    };
    this.history.recordHost(hostId, { at, ...host });
    const sample: StatsSample = { hostId, at, host, vms: [] };
    const owners: Array<string | undefined> = [];
    for (const vm of vms) {
      // Only a running VM has a load; a stopped one leaves a gap in its history.
      if (vm.state !== 'running') continue;
      // CPU as a share of all the VM's vCPUs, 0-100 like the host's.
      const cpu = vm.cpuPercent === undefined ? null : vm.cpuPercent / Math.max(1, vm.vcpus);
      const point = {
        uuid: vm.uuid,
        cpu: cpu === null ? null : Math.round(cpu * 10) / 10,
        memoryKiB: vm.memoryKiB,
      };
      this.history.recordVm(vm.uuid, { at, cpu: point.cpu ?? NaN, memoryKiB: vm.memoryKiB });
      sample.vms.push(point);
      owners.push(vm.membership?.owner);
    }
    this.samples.fire({ sample, owners });
  }

  /** Tells the clients what a host's report of a copy means for the VM they are shown. */
  private tell(out: CopyOutcome): void {
    if (out.kind === 'upsert') {
      const u = out.vm.uuid.toLowerCase();
      const held = this.held.get(u);
      if (held) {
        clearTimeout(held.timer);
        this.held.delete(u);
      }
      if (held && held.ref.hostId !== out.vm.hostId) {
        // The VM that left a host turned up here: one move, never a removal and an addition.
        this.expected.delete(u);
        this.batcher.move(held.ref, out.vm);
      } else this.batcher.upsert(out.vm);
    }
    if (out.kind === 'move') {
      this.expected.delete(out.to.uuid.toLowerCase());
      this.batcher.move(out.from, out.to);
    }
  }

  /** A host's copy went: a removal, unless the VM is on its way to another host. */
  private copyRemoved(ref: VmRef, migrated: boolean): void {
    const out = this.copies.remove(ref);
    if (out.kind === 'hidden') {
      this.owners.delete(vmKey(ref));
      return;
    }
    if (out.kind !== 'gone') return this.tell(out);
    const u = ref.uuid.toLowerCase();
    const hint = this.expected.get(u);
    const expected = hint && hint.fromHostId === ref.hostId && hint.until > Date.now();
    if (!migrated && !expected) return this.batcher.remove(ref);
    const previous = this.held.get(u);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      if (this.held.get(u)?.timer !== timer) return;
      this.held.delete(u);
      this.batcher.remove(ref);
    }, MOVE_WAIT_MS);
    timer.unref?.();
    this.held.set(u, { ref, timer });
  }

  private sinkFor(hostId: string) {
    const b = this.batcher;
    const mine = () => this.entries.has(hostId);
    const own = (vm: Vm) => this.owners.set(vmKey(vm), vm.membership?.owner);
    return {
      host: (f: HostFacts) => mine() && b.host(f),
      upsert: (vm: Vm) => mine() && (own(vm), this.tell(this.copies.upsert(vm))),
      remove: (ref: VmRef, migrated = false) => mine() && this.copyRemoved(ref, migrated),
      reset: (id: string, vms: readonly Vm[]) => {
        if (!mine()) return;
        this.forgetOwners(id);
        vms.forEach(own);
        const { shown, moves } = this.copies.reset(id, vms);
        b.reset(id, shown);
        for (const m of moves) this.tell({ kind: 'move', ...m });
        // A VM held as leaving that is here: a move from the host it left, or no longer leaving.
        for (const vm of shown) {
          const held = this.held.get(vm.uuid.toLowerCase());
          if (held) this.tell({ kind: 'upsert', vm });
        }
      },
      samples: (at: number, facts: HostFacts, vms: readonly Vm[]) =>
        mine() && this.recordSamples(hostId, at, facts, vms),
    };
  }
}
