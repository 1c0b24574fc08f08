import type { HostFacts, Vm, VmRef } from '../../api/inventory-api';
import type { Disposable } from '../../api/disposable';
import {
  DomainLifecycle,
  ErrorNumber,
  LibvirtError,
  type DomainRef,
  type EventSubscription,
  type LibvirtClient,
} from '../../native/libvirt';
import * as domain from '../libvirt/domain';
import * as hostNode from '../libvirt/node';
import { CallLimiter } from './call-limiter';
import {
  STATS_GROUPS,
  availableMemoryKiB,
  cpuPercent,
  domainStateName,
  hostCpuPercent,
  lifecycleState,
  readDomainSample,
  type NodeCpuTimes,
} from './domain-stats';
import { parseDomainXml, pendingSizes, type DomainXmlFacts } from './domain-xml';

// virDomainXMLFlags: the definition the next boot uses.
const XML_INACTIVE = 2;
// VIR_DOMAIN_EVENT_STOPPED_MIGRATED: the domain stopped here because it now runs elsewhere.
const STOPPED_MIGRATED = 3;

/** Where a host's inventory sends its changes (the service's batcher). */
export interface InventorySink {
  host(facts: HostFacts): void;
  upsert(vm: Vm): void;
  /** `migrated`: the domain left for another host (libvirt said so), so it may turn up there. */
  remove(ref: VmRef, migrated?: boolean): void;
  reset(hostId: string, vms: readonly Vm[]): void;
  /** One stats period's figures (every VM, changed or not), for the load history. */
  samples?(at: number, facts: HostFacts, vms: readonly Vm[]): void;
}

/** Timings of the live inventory. */
export interface InventoryTimings {
  /** Bulk stats (and node CPU/memory) every this many ms. */
  statsIntervalMs: number;
  /** Guest addresses of running domains every this many ms. */
  addressIntervalMs: number;
}

const ADDR_SOURCE_LEASE = 0;
const ADDR_SOURCE_AGENT = 1;
/**
 * Where guest addresses come from, best first: the guest agent (every address, if the guest runs
 * one), then the DHCP leases of a libvirt network. Corral's nodes without either show the
 * addresses Corral seeded (from their metadata). The host's ARP table is not asked: Debian 12's
 * libvirt 9.0 fails that query on these machines ("internal error: wrong nlmsg len").
 */
const ADDRESS_SOURCES = [ADDR_SOURCE_AGENT, ADDR_SOURCE_LEASE];
const IP_TYPE_V6 = 1;
// After every address source failed, wait this many passes before asking that domain again.
const ADDRESS_BACKOFF_PASSES = 6;

interface Known {
  xml: DomainXmlFacts;
  vm: Vm;
  lastCpu?: { cpuTimeNs: bigint; atNs: bigint };
  addressBackoff: number;
}

/**
 * The live inventory of one online host: reads its domains once, then follows lifecycle events
 * (state at once, without polling) and refreshes figures with one bulk-stats call per interval.
 * Lives as long as the host's client; a reconnect makes a new one.
 */
export class HostInventory implements Disposable {
  private readonly known = new Map<string, Known>();
  private readonly limiter = new CallLimiter(4);
  private facts: HostFacts | undefined;
  private lastCpu: NodeCpuTimes | undefined;
  private memoryParams: number | undefined;
  private cpuParams: number | undefined;
  private subscription: EventSubscription | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private addressTimer: ReturnType<typeof setInterval> | undefined;
  private statsBusy = false;
  private addressBusy = false;
  private loading = true;
  private disposed = false;
  /** Events that arrived while the first list was read: re-read those domains afterwards. */
  private readonly missed = new Map<string, DomainRef>();
  /** Domains that stopped here because they migrated away: their removal is a move. */
  private readonly migratedAway = new Set<string>();
  /** Domains Corral resized that are not cluster nodes: read with their sizes too. */
  private readonly sized = new Set<string>();

  constructor(
    readonly hostId: string,
    private readonly client: LibvirtClient,
    private readonly sink: InventorySink,
    private readonly timings: InventoryTimings,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Registers for lifecycle events, reads everything, then starts the periodic refreshes. */
  async start(): Promise<void> {
    // Register first: nothing that happens while the list is read can be missed.
    this.subscription = await this.client.onDomainEvent('lifecycle', (e) =>
      this.onLifecycle(e.dom, e.event, e.detail),
    );
    if (this.disposed) return void this.subscription.unregister().catch(() => {});
    await this.load();
    this.statsTimer = setInterval(() => void this.refreshStats(), this.timings.statsIntervalMs);
    this.addressTimer = setInterval(
      () => void this.refreshAddresses(),
      this.timings.addressIntervalMs,
    );
    void this.refreshAddresses();
  }

  /** The host's facts and VMs as known now; nothing until the first full read is done. */
  current(): { facts: HostFacts | undefined; vms: Vm[] } {
    if (this.loading) return { facts: undefined, vms: [] };
    return { facts: this.facts, vms: [...this.known.values()].map((k) => k.vm) };
  }

  /** The name of a domain, when known. */
  nameOf(uuid: string): string | undefined {
    return this.known.get(uuid)?.vm.name;
  }

  /**
   * Reads a domain again with its disk sizes and pending sizes (a resize changed what no event
   * reports); resolves once the new figures are shown.
   */
  async reread(uuid: string): Promise<void> {
    const k = this.known.get(uuid);
    if (!k || this.loading) return;
    this.sized.add(uuid);
    await this.refreshDomain({ name: k.vm.name, uuid, id: -1 });
  }

  /**
   * The host dropped: keep the last known state of everything, marked stale since `since`
   * (never "stopped": nobody knows). Stops all refreshes.
   */
  markStale(since: string, reason: string): void {
    this.stopTimers();
    if (this.loading) return; // nothing was shown from this connection
    if (this.facts && !this.facts.stale) {
      this.facts = { ...this.facts, stale: true, staleSince: since, staleReason: reason };
      this.sink.host(this.facts);
    }
    for (const k of this.known.values()) {
      if (k.vm.stale) continue;
      k.vm = { ...k.vm, stale: true, staleSince: since, cpuPercent: undefined };
      this.sink.upsert(k.vm);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimers();
    const sub = this.subscription;
    if (sub && this.client.connection.isOpen) void sub.unregister().catch(() => {});
  }

  private stopTimers(): void {
    clearInterval(this.statsTimer);
    clearInterval(this.addressTimer);
    this.statsTimer = this.addressTimer = undefined;
  }

  /** A libvirt call of the inventory, queued behind the per-host limit. */
  private limited<A extends unknown[], R>(
    call: (client: LibvirtClient, ...args: A) => Promise<R>,
    ...args: A
  ): Promise<R> {
    return this.limiter.run(() => call(this.client, ...args));
  }

  private async load(): Promise<void> {
    const [{ hostname }, { libVer }, info] = await Promise.all([
      this.limited(hostNode.hostname),
      this.limited(hostNode.libVersion),
      this.limited(hostNode.info),
    ]);
    const now = new Date().toISOString();
    this.facts = {
      hostId: this.hostId,
      hostname,
      cpus: info.cpus,
      memoryKiB: Number(info.memory),
      freeMemoryKiB: 0,
      cpuPercent: 0,
      libvirtVersion: formatLibvirtVersion(libVer),
      stale: false,
      updatedAt: now,
    };
    await this.readNode();

    const [{ domains }, stats] = await Promise.all([
      this.limited(domain.listAll, { needResults: true, flags: 0 }),
      this.bulkStats(),
    ]);
    // The bulk stats already carry every domain's state: one call per domain (its XML) is
    // enough (bench/topology: this halves connect-to-complete for 1000 domains).
    const read = await Promise.all(domains.map((d) => this.readDomain(d, stats.has(d.uuid))));
    for (const r of read) {
      if (!r) continue;
      const k: Known = { xml: r.xml, vm: r.vm, addressBackoff: 0 };
      this.known.set(r.vm.uuid, k);
      const s = stats.get(r.vm.uuid);
      if (s) this.applySample(k, s.params, s.atNs);
    }
    if (this.disposed) return;
    this.loading = false;
    this.sink.host(this.facts);
    this.sink.reset(
      this.hostId,
      [...this.known.values()].map((k) => k.vm),
    );
    for (const dom of this.missed.values()) void this.refreshDomain(dom);
    this.missed.clear();
  }

  /**
   * XML and state of one domain, or undefined when it vanished meanwhile. With `stateFromStats`
   * the state is left for the caller's bulk-stats sample to fill in.
   */
  private async readDomain(
    dom: DomainRef,
    stateFromStats = false,
  ): Promise<{ xml: DomainXmlFacts; vm: Vm } | undefined> {
    try {
      const [{ xml }, state] = await Promise.all([
        this.limited(domain.getXmlDesc, { dom, flags: 0 }),
        stateFromStats
          ? Promise.resolve(undefined)
          : this.limited(domain.getState, { dom, flags: 0 }).then((r) => r.state),
      ]);
      const facts = parseDomainXml(xml);
      if (facts.membership || this.sized.has(facts.uuid)) await this.readSizes(dom, facts);
      const name = state === undefined ? 'no-state' : domainStateName(state);
      return { xml: facts, vm: this.vmFrom(facts, name) };
    } catch (err) {
      if (err instanceof LibvirtError && err.code === ErrorNumber.NO_DOMAIN) return undefined;
      throw err;
    }
  }

  /**
   * The first disk's capacity and the sizes waiting for the next boot, for Corral's nodes (and
   * VMs Corral resized) only: two more calls per domain, which a host of a thousand foreign
   * domains should not pay at every read. Resizes check a disk against this size before any call.
   */
  private async readSizes(dom: DomainRef, facts: DomainXmlFacts): Promise<void> {
    const disk = facts.disks.find((d) => (d.device ?? 'disk') === 'disk' && d.target !== '?');
    const [info, inactive] = await Promise.all([
      disk
        ? this.limited(domain.blockInfo, { dom, path: disk.target, flags: 0 }).catch(
            () => undefined,
          )
        : undefined,
      this.limited(domain.getXmlDesc, { dom, flags: XML_INACTIVE }).catch(() => undefined),
    ]);
    if (disk && info) disk.capacityBytes = Number(info.capacity);
    if (inactive) facts.pending = pendingSizes(facts, parseDomainXml(inactive.xml));
  }

  private vmFrom(xml: DomainXmlFacts, state: Vm['state'], prev?: Vm): Vm {
    const vm: Vm = {
      hostId: this.hostId,
      uuid: xml.uuid,
      name: xml.name,
      state,
      stale: false,
      vcpus: xml.vcpus,
      memoryKiB: xml.memoryKiB,
      maxMemoryKiB: xml.maxMemoryKiB,
      maxVcpus: xml.maxVcpus,
      ...(xml.pending ? { pending: xml.pending } : {}),
      disks: xml.disks,
      nics: xml.nics.map((n) => ({
        ...n,
        addresses:
          prev?.nics.find((p) => p.mac === n.mac)?.addresses ?? xml.seededAddresses?.[n.mac] ?? [],
      })),
    };
    if (xml.membership) vm.membership = xml.membership;
    if (state === 'running' && prev?.cpuPercent !== undefined) vm.cpuPercent = prev.cpuPercent;
    return vm;
  }

  private onLifecycle(dom: DomainRef, event: number, detail: number): void {
    if (this.disposed) return;
    if (event === DomainLifecycle.STOPPED && detail === STOPPED_MIGRATED) {
      this.migratedAway.add(dom.uuid);
    } else if (event === DomainLifecycle.STARTED) this.migratedAway.delete(dom.uuid);
    if (this.loading) {
      this.missed.set(dom.uuid, dom);
      return;
    }
    const k = this.known.get(dom.uuid);
    const state = lifecycleState(event);
    if (k && state && k.vm.state !== state) {
      // The event is the news: show it now, before any call.
      k.vm = { ...k.vm, state };
      if (state !== 'running') delete k.vm.cpuPercent;
      if (state === 'shut-off') delete k.lastCpu;
      this.sink.upsert(k.vm);
    }
    // A new or (un)defined domain, or one that stopped (transient ones vanish): read it again.
    const reread =
      !k ||
      event === DomainLifecycle.DEFINED ||
      event === DomainLifecycle.UNDEFINED ||
      event === DomainLifecycle.STOPPED;
    if (reread) void this.refreshDomain(dom);
  }

  private async refreshDomain(dom: DomainRef): Promise<void> {
    try {
      const r = await this.readDomain(dom);
      if (this.disposed) return;
      const prev = this.known.get(dom.uuid);
      if (!r) {
        if (prev) {
          this.known.delete(dom.uuid);
          const migrated = this.migratedAway.delete(dom.uuid);
          this.sink.remove({ hostId: this.hostId, uuid: dom.uuid }, migrated);
        }
        return;
      }
      const vm = this.vmFrom(r.xml, r.vm.state, prev?.vm);
      if (prev && r.vm.state === 'running') vm.memoryKiB = prev.vm.memoryKiB;
      this.known.set(dom.uuid, {
        xml: r.xml,
        vm,
        lastCpu: r.vm.state === 'running' ? prev?.lastCpu : undefined,
        addressBackoff: 0,
      });
      this.sink.upsert(vm);
    } catch (err) {
      this.log(`inventory ${this.hostId}: re-reading ${dom.name} failed: ${String(err)}`);
    }
  }

  private async bulkStats(): Promise<
    Map<string, { params: Parameters<typeof readDomainSample>[0]; atNs: bigint }>
  > {
    const { retStats } = await this.limited(domain.allStats, {
      doms: [],
      stats: STATS_GROUPS.STATE | STATS_GROUPS.CPU_TOTAL | STATS_GROUPS.BALLOON | STATS_GROUPS.VCPU,
      flags: 0,
    });
    const atNs = process.hrtime.bigint();
    return new Map(retStats.map((r) => [r.dom.uuid, { params: r.params, atNs }]));
  }

  /** Updates a domain from its bulk-stats record; true when something shown changed. */
  private applySample(
    k: Known,
    params: Parameters<typeof readDomainSample>[0],
    atNs: bigint,
  ): boolean {
    const s = readDomainSample(params);
    const next: Vm = { ...k.vm };
    if (s.state) next.state = s.state;
    if (next.state === 'running' || next.state === 'paused' || next.state === 'blocked') {
      if (s.memoryKiB !== undefined) next.memoryKiB = s.memoryKiB;
      if (s.vcpus !== undefined) next.vcpus = s.vcpus;
    } else {
      next.memoryKiB = k.xml.memoryKiB;
      next.vcpus = k.xml.vcpus;
    }
    if (s.cpuTimeNs !== undefined && next.state === 'running') {
      const cur = { cpuTimeNs: s.cpuTimeNs, atNs };
      const pct = cpuPercent(k.lastCpu, cur);
      if (pct !== undefined) next.cpuPercent = pct;
      k.lastCpu = cur;
    } else {
      delete next.cpuPercent;
      delete k.lastCpu;
    }
    const changed =
      next.state !== k.vm.state ||
      next.memoryKiB !== k.vm.memoryKiB ||
      next.vcpus !== k.vm.vcpus ||
      next.cpuPercent !== k.vm.cpuPercent;
    if (changed) k.vm = next;
    return changed;
  }

  private async readNode(): Promise<void> {
    if (!this.facts) return;
    this.cpuParams ??= (
      await this.limited(hostNode.cpuStats, { cpuNum: -1, nparams: 0, flags: 0 })
    ).nparams;
    const cpu = await this.limited(hostNode.cpuStats, {
      cpuNum: -1,
      nparams: this.cpuParams,
      flags: 0,
    });
    const times: NodeCpuTimes = Object.fromEntries(cpu.params.map((p) => [p.field, p.value]));
    const cpuPct = hostCpuPercent(this.lastCpu, times);
    this.lastCpu = times;

    let free: number | undefined;
    let total: number | undefined;
    try {
      this.memoryParams ??= (
        await this.limited(hostNode.memoryStats, { nparams: 0, cellNum: -1, flags: 0 })
      ).nparams;
      const mem = await this.limited(hostNode.memoryStats, {
        nparams: this.memoryParams,
        cellNum: -1,
        flags: 0,
      });
      const stats = Object.fromEntries(mem.params.map((p) => [p.field, p.value]));
      free = availableMemoryKiB(stats);
      // nodeGetInfo counts NUMA cells' memory, which some machines under-report; use the
      // kernel's total so free and total come from the same place.
      if (stats.total !== undefined) total = Number(stats.total);
    } catch {
      // Some drivers have no memory stats; free memory alone will do.
    }
    free ??= Number((await this.limited(hostNode.freeMemory)).freeMem / 1024n);
    this.facts = {
      ...this.facts,
      cpuPercent: cpuPct,
      memoryKiB: total ?? this.facts.memoryKiB,
      freeMemoryKiB: free,
      updatedAt: new Date().toISOString(),
    };
  }

  private async refreshStats(): Promise<void> {
    if (this.statsBusy || this.disposed || this.loading) return;
    this.statsBusy = true;
    try {
      await this.readNode();
      if (this.facts && !this.disposed) this.sink.host(this.facts);
      const stats = await this.bulkStats();
      if (this.disposed) return;
      for (const [uuid, s] of stats) {
        const k = this.known.get(uuid);
        if (!k) {
          void this.refreshUnknown(uuid); // appeared without an event we saw
          continue;
        }
        if (this.applySample(k, s.params, s.atNs)) this.sink.upsert(k.vm);
      }
      if (this.facts) {
        const vms = [...this.known.values()].map((k) => k.vm);
        this.sink.samples?.(Date.now(), this.facts, vms);
      }
      // Domains the host no longer reports vanished without an event we saw.
      for (const [uuid, k] of this.known) {
        if (!stats.has(uuid))
          void this.refreshDomain({ name: k.vm.name, uuid, id: -1 } satisfies DomainRef);
      }
    } catch (err) {
      this.log(`inventory ${this.hostId}: stats failed: ${String(err)}`);
    } finally {
      this.statsBusy = false;
    }
  }

  private async refreshUnknown(uuid: string): Promise<void> {
    try {
      const { dom } = await this.limited(domain.lookupByUuid, { uuid });
      await this.refreshDomain(dom);
    } catch {
      // Gone again before we looked: nothing to show.
    }
  }

  /** Guest addresses (agent or DHCP leases) of running domains; never blocks the rest. */
  private async refreshAddresses(): Promise<void> {
    if (this.addressBusy || this.disposed || this.loading) return;
    this.addressBusy = true;
    try {
      for (const k of [...this.known.values()]) {
        if (this.disposed) return;
        if (k.vm.state !== 'running' || k.vm.nics.length === 0) continue;
        if (k.addressBackoff > 0) {
          k.addressBackoff--;
          continue;
        }
        const dom: DomainRef = { name: k.vm.name, uuid: k.vm.uuid, id: -1 };
        const { ifaces, answered } = await this.firstAddresses(dom);
        // Every source failed (no agent, no network): ask this domain less often. Either way a
        // VM without reported addresses shows its seeded ones or none (never old ones).
        if (!answered) k.addressBackoff = ADDRESS_BACKOFF_PASSES;
        const byMac = new Map<string, string[]>();
        for (const i of ifaces) {
          if (!i.hwaddr) continue;
          const list = i.addrs
            .filter((a) => !(a.type === IP_TYPE_V6 && a.addr.toLowerCase().startsWith('fe80')))
            .map((a) => `${a.addr}/${a.prefix}`);
          byMac.set(i.hwaddr.toLowerCase(), list);
        }
        const nics = k.vm.nics.map((n) => ({
          ...n,
          addresses: byMac.get(n.mac) ?? k.xml.seededAddresses?.[n.mac] ?? [],
        }));
        if (JSON.stringify(nics) !== JSON.stringify(k.vm.nics)) {
          k.vm = { ...k.vm, nics };
          this.sink.upsert(k.vm);
        }
      }
    } finally {
      this.addressBusy = false;
    }
  }

  /** The first source's answer that lists any address; `answered` if any source answered. */
  private async firstAddresses(dom: DomainRef) {
    let answered = false;
    for (const source of ADDRESS_SOURCES) {
      const ifaces = await this.addresses(dom, source);
      if (ifaces) answered = true;
      if (ifaces?.some((i) => i.addrs.length > 0)) return { ifaces, answered };
    }
    return { ifaces: [], answered };
  }

  private async addresses(dom: DomainRef, source: number) {
    try {
      return (await this.limited(domain.interfaceAddresses, { dom, source, flags: 0 })).ifaces;
    } catch {
      return undefined; // no agent, no leases on this network: try the next source later
    }
  }
}

/** libvirt's version number (major * 1e6 + minor * 1e3 + micro) as `10.0.0`. */
export function formatLibvirtVersion(v: bigint | number): string {
  const n = Number(v);
  return `${Math.floor(n / 1e6)}.${Math.floor((n % 1e6) / 1e3)}.${n % 1e3}`;
}
