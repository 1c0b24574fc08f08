import type { HostFacts, InventoryDelta, Vm, VmMove, VmRef } from '../../api/inventory-api';
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
  /** By UUID: a VM moved twice within a window shows as one move from its first host. */
  private moves = new Map<string, VmMove>();
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
    // Back where it came from within the window: no move after all.
    if (this.moves.get(vm.uuid)?.fromHostId === vm.hostId) this.moves.delete(vm.uuid);
    this.removals.delete(k);
    this.upserts.set(k, vm);
    this.schedule();
  }

  remove(ref: VmRef): void {
    const k = key(ref);
    // Gone from where it had moved to: a removal, not a move.
    if (this.moves.get(ref.uuid)?.toHostId === ref.hostId) this.moves.delete(ref.uuid);
    this.upserts.delete(k);
    this.removals.set(k, { hostId: ref.hostId, uuid: ref.uuid });
    this.schedule();
  }

  /**
   * The VM left `from` and is now `to` (a migration): one delta carries the removal, the upsert
   * and the move, so no client ever sees the VM gone in between.
   */
  move(from: VmRef, to: Vm): void {
    const first = this.moves.get(to.uuid)?.fromHostId ?? from.hostId;
    this.remove(from);
    this.upsert(to);
    if (first !== to.hostId) {
      this.moves.set(to.uuid, { uuid: to.uuid, fromHostId: first, toHostId: to.hostId });
    }
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
      this.hosts.size + this.upserts.size + this.removals.size + this.moves.size === 0 &&
      this.resetHosts.size + this.removedHosts.size === 0
    )
      return;
    const delta: InventoryDelta = {
      hosts: [...this.hosts.values()],
      upserts: [...this.upserts.values()],
      removals: [...this.removals.values()],
      ...(this.moves.size > 0 ? { moves: [...this.moves.values()] } : {}),
      resetHosts: [...this.resetHosts],
      removedHosts: [...this.removedHosts],
    };
    this.hosts = new Map();
    this.upserts = new Map();
    this.removals = new Map();
    this.moves = new Map();
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
    // The host's list is replaced (or gone): what remains is a removal and an addition.
    for (const [u, m] of this.moves) {
      if (m.fromHostId === hostId || m.toHostId === hostId) this.moves.delete(u);
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }
}
