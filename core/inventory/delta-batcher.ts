import type { HostFacts, InventoryDelta, Vm, VmRef } from '../../api/inventory-api';
import type { Disposable } from '../../api/disposable';

const key = (r: VmRef) => `${r.hostId}/${r.uuid}`;

/**
 * Gathers inventory changes for a short window and hands them out as one delta, so a burst of
 * events over thousands of domains costs one message, not thousands. The last word
 * about a VM wins: an upsert after a removal revives it, a removal after an upsert drops it.
 */
export class DeltaBatcher implements Disposable {
  private hosts = new Map<string, HostFacts>();
  private upserts = new Map<string, Vm>();
  private removals = new Map<string, VmRef>();
  private resetHosts = new Set<string>();
  private removedHosts = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flushTo: (delta: InventoryDelta) => void,
    private readonly windowMs = 50,
  ) {}

  host(facts: HostFacts): void {
    this.removedHosts.delete(facts.hostId);
    this.hosts.set(facts.hostId, facts);
    this.schedule();
  }

  upsert(vm: Vm): void {
    const k = key(vm);
    this.removals.delete(k);
    this.upserts.set(k, vm);
    this.schedule();
  }

  remove(ref: VmRef): void {
    const k = key(ref);
    this.upserts.delete(k);
    this.removals.set(k, { hostId: ref.hostId, uuid: ref.uuid });
    this.schedule();
  }

  /** The host's VM list is exactly `vms` from now on (after a (re)connect). */
  reset(hostId: string, vms: readonly Vm[]): void {
    this.dropPendingOf(hostId);
    this.removedHosts.delete(hostId);
    this.resetHosts.add(hostId);
    for (const vm of vms) this.upserts.set(key(vm), vm);
    this.schedule();
  }

  /** The host is gone from Corral: nothing pending about it matters any more. */
  removeHost(hostId: string): void {
    this.dropPendingOf(hostId);
    this.hosts.delete(hostId);
    this.resetHosts.delete(hostId);
    this.removedHosts.add(hostId);
    this.schedule();
  }

  /** Emits what is pending now (also used by tests and on dispose). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (
      this.hosts.size + this.upserts.size + this.removals.size === 0 &&
      this.resetHosts.size + this.removedHosts.size === 0
    )
      return;
    const delta: InventoryDelta = {
      hosts: [...this.hosts.values()],
      upserts: [...this.upserts.values()],
      removals: [...this.removals.values()],
      resetHosts: [...this.resetHosts],
      removedHosts: [...this.removedHosts],
    };
    this.hosts = new Map();
    this.upserts = new Map();
    this.removals = new Map();
    this.resetHosts = new Set();
    this.removedHosts = new Set();
    this.flushTo(delta);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dropPendingOf(hostId: string): void {
    for (const [k, vm] of this.upserts) if (vm.hostId === hostId) this.upserts.delete(k);
    for (const [k, r] of this.removals) if (r.hostId === hostId) this.removals.delete(k);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }
}
