import type { HostFacts, InventoryDelta, Vm, VmRef } from '../../../api/inventory-api';

/** The renderer's copy of the inventory: hosts by id, VMs by `hostId/uuid`. */
export interface InventoryView {
  hosts: Readonly<Record<string, HostFacts>>;
  vms: Readonly<Record<string, Vm>>;
}

/** The key of a VM in {@link InventoryView.vms}. */
export const vmKey = (r: VmRef): string => `${r.hostId}/${r.uuid}`;

export const EMPTY_INVENTORY: InventoryView = { hosts: {}, vms: {} };

/** The view of a `inventory.snapshot` answer. */
export function fromSnapshot(snap: { hosts: HostFacts[]; vms: Vm[] }): InventoryView {
  return {
    hosts: Object.fromEntries(snap.hosts.map((h) => [h.hostId, h])),
    vms: Object.fromEntries(snap.vms.map((v) => [vmKey(v), v])),
  };
}

/**
 * Merges one delta: removed hosts go with their VMs, reset hosts keep only the VMs the delta
 * brings, then moves, upserts and removals apply. Pure; returns the same object when nothing
 * changed.
 */
export function applyDelta(view: InventoryView, delta: InventoryDelta): InventoryView {
  const nothing =
    delta.hosts.length +
      delta.upserts.length +
      delta.removals.length +
      delta.resetHosts.length +
      delta.removedHosts.length +
      (delta.moves?.length ?? 0) ===
    0;
  if (nothing) return view;
  const hosts: Record<string, HostFacts> = { ...view.hosts };
  const vms: Record<string, Vm> = { ...view.vms };
  const gone = new Set([...delta.removedHosts, ...delta.resetHosts]);
  if (gone.size > 0) {
    for (const [k, vm] of Object.entries(vms)) if (gone.has(vm.hostId)) delete vms[k];
  }
  for (const id of delta.removedHosts) delete hosts[id];
  for (const h of delta.hosts) hosts[h.hostId] = h;
  // A moved VM leaves its old row before its new one is written (the delta also removes it).
  const moved = (delta.moves ?? []).map((m) => {
    const from = vmKey({ hostId: m.fromHostId, uuid: m.uuid });
    const was = vms[from];
    delete vms[from];
    return { m, was };
  });
  for (const vm of delta.upserts) vms[vmKey(vm)] = vm;
  for (const r of delta.removals) delete vms[vmKey(r)];
  // The VM itself goes with the move, even if this delta carries no figures of its new copy.
  for (const { m, was } of moved) {
    const to = vmKey({ hostId: m.toHostId, uuid: m.uuid });
    if (!vms[to] && was) vms[to] = { ...was, hostId: m.toHostId };
  }
  return { hosts, vms };
}

/** Where a VM key points after a delta: a moved VM's new key, else the key itself. */
export function keyAfter(key: string, delta: InventoryDelta): string {
  for (const m of delta.moves ?? []) {
    if (key === vmKey({ hostId: m.fromHostId, uuid: m.uuid })) {
      return vmKey({ hostId: m.toHostId, uuid: m.uuid });
    }
  }
  return key;
}
