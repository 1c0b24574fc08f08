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
 * brings, then upserts and removals apply. Pure; returns the same object when nothing changed.
 */
export function applyDelta(view: InventoryView, delta: InventoryDelta): InventoryView {
  const nothing =
    delta.hosts.length +
      delta.upserts.length +
      delta.removals.length +
      delta.resetHosts.length +
      delta.removedHosts.length ===
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
  for (const vm of delta.upserts) vms[vmKey(vm)] = vm;
  for (const r of delta.removals) delete vms[vmKey(r)];
  return { hosts, vms };
}
