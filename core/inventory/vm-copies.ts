import type { Vm, VmRef } from '../../api/inventory-api';

/** What the inventory tells its clients after a host reported a copy of a VM. */
export type CopyOutcome =
  /** The shown copy changed: an ordinary upsert. */
  | { kind: 'upsert'; vm: Vm }
  /** Another host's copy is the VM now (a migration switched over, or the old copy went). */
  | { kind: 'move'; from: VmRef; to: Vm }
  /** The shown copy went and no other host has one: the caller removes it (or waits a moment). */
  | { kind: 'gone'; ref: VmRef }
  /** A copy nobody is shown (the incoming side of a migration): nothing to tell. */
  | { kind: 'hidden' };

const id = (uuid: string) => uuid.toLowerCase();

/**
 * A VM's identity is its UUID: while a migration runs, libvirt has a copy on each host (the
 * target's paused until the switch-over, the source's paused or shut off until it is
 * undefined). This keeps every host's copy and decides which one is shown: the one shown stays
 * unless another copy runs while it does not (the switch-over), or it goes away (then another
 * copy, if any, takes its place). So a migration reads as one move, never as an addition and a
 * removal, and never as two VMs.
 */
export class VmCopies {
  private readonly copies = new Map<string, Map<string, Vm>>();
  private readonly shownOn = new Map<string, string>();

  /** Whether this copy is the one shown. */
  isShown(ref: VmRef): boolean {
    return (this.shownOn.get(id(ref.uuid)) ?? ref.hostId) === ref.hostId;
  }

  /** A host reported a copy (new or changed). */
  upsert(vm: Vm): CopyOutcome {
    const u = id(vm.uuid);
    let byHost = this.copies.get(u);
    if (!byHost) this.copies.set(u, (byHost = new Map()));
    byHost.set(vm.hostId, vm);
    const shown = this.shownOn.get(u);
    if (shown === undefined || shown === vm.hostId || !byHost.has(shown)) {
      this.shownOn.set(u, vm.hostId);
      if (shown !== undefined && shown !== vm.hostId) {
        return { kind: 'move', from: { hostId: shown, uuid: vm.uuid }, to: vm };
      }
      // The shown copy stopped running while another one runs: that one is the VM now.
      if (vm.state !== 'running') {
        const runner = [...byHost.values()].find((c) => c.state === 'running' && !c.stale);
        if (runner) return this.switchTo(u, vm, runner);
      }
      return { kind: 'upsert', vm };
    }
    const current = byHost.get(shown)!;
    if (vm.state === 'running' && !vm.stale && current.state !== 'running') {
      return this.switchTo(u, current, vm);
    }
    return { kind: 'hidden' };
  }

  /** A host no longer has its copy. */
  remove(ref: VmRef): CopyOutcome {
    const u = id(ref.uuid);
    const byHost = this.copies.get(u);
    byHost?.delete(ref.hostId);
    if (!this.isShown(ref)) return { kind: 'hidden' };
    const next = byHost && pick([...byHost.values()]);
    if (next) return this.switchTo(u, { hostId: ref.hostId, uuid: ref.uuid }, next);
    this.copies.delete(u);
    this.shownOn.delete(u);
    return { kind: 'gone', ref: { hostId: ref.hostId, uuid: ref.uuid } };
  }

  /**
   * The host's list is exactly `vms` now. Returns what to send: the host's shown VMs (its reset
   * list) and the moves the reset causes (copies that took over elsewhere, or came here).
   */
  reset(
    hostId: string,
    vms: readonly Vm[],
  ): { shown: Vm[]; moves: Array<{ from: VmRef; to: Vm }> } {
    const moves: Array<{ from: VmRef; to: Vm }> = [];
    const here = new Set(vms.map((v) => id(v.uuid)));
    for (const [u, byHost] of this.copies) {
      if (here.has(u) || !byHost.has(hostId)) continue;
      const out = this.remove({ hostId, uuid: byHost.get(hostId)!.uuid });
      if (out.kind === 'move') moves.push({ from: out.from, to: out.to });
    }
    const shown: Vm[] = [];
    for (const vm of vms) {
      const u = id(vm.uuid);
      const before = this.shownOn.get(u);
      const out = this.upsert(vm);
      if (out.kind === 'upsert') shown.push(vm);
      else if (out.kind === 'move' && out.to.hostId === hostId) {
        // Came here from another host: shown in the reset list, and the other copy removed.
        shown.push(vm);
        if (before !== undefined && before !== hostId) moves.push({ from: out.from, to: out.to });
      } else if (out.kind === 'move') moves.push({ from: out.from, to: out.to });
    }
    return { shown, moves };
  }

  /** A host left Corral: its copies go; a copy elsewhere takes over where one exists. */
  removeHost(hostId: string): Array<{ from: VmRef; to: Vm }> {
    const moves: Array<{ from: VmRef; to: Vm }> = [];
    for (const byHost of [...this.copies.values()]) {
      const vm = byHost.get(hostId);
      if (!vm) continue;
      const out = this.remove(vm);
      if (out.kind === 'move') moves.push({ from: out.from, to: out.to });
    }
    return moves;
  }

  private switchTo(u: string, from: VmRef, to: Vm): CopyOutcome {
    this.shownOn.set(u, to.hostId);
    return { kind: 'move', from: { hostId: from.hostId, uuid: from.uuid }, to };
  }
}

/** The copy to show among several: a running one first. */
function pick(copies: Vm[]): Vm | undefined {
  return copies.find((c) => c.state === 'running' && !c.stale) ?? copies[0];
}
