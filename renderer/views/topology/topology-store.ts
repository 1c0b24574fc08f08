import { create } from 'zustand';
import type { InventoryDelta, VmAction, VmRef } from '../../../api/inventory-api';
import type { CorralClient } from '../../boot/corral-client';
import {
  EMPTY_INVENTORY,
  applyDelta,
  fromSnapshot,
  keyAfter,
  vmKey,
  type InventoryView,
} from './inventory-reducer';
import type { HostNames } from './topology-rows';

/** An action in flight on a VM, or the error the last one ended with. */
export interface ActionStatus {
  pending?: VmAction;
  error?: string;
}

interface TopologyState {
  inventory: InventoryView;
  loaded: boolean;
  loadError?: string;
  hostNames: HostNames;
  filter: string;
  collapsed: ReadonlySet<string>;
  /** Key (`hostId/uuid`) of the VM whose details are open. */
  selected?: string;
  /** Id of the host whose details are open (a VM's details replace it, and back). */
  selectedHost?: string;
  /** User names by id, as far as this session may know them (owners shown by name). */
  ownerNames: Readonly<Record<string, string>>;
  actions: Readonly<Record<string, ActionStatus>>;
  setFilter(filter: string): void;
  toggle(groupKey: string): void;
  select(key: string | undefined): void;
  selectHost(hostId: string | undefined): void;
  /** Runs a power action with the per-VM lock: refused at once while another one runs. */
  act(client: CorralClient, ref: VmRef, action: VmAction): Promise<void>;
  dismissError(key: string): void;
  /** Follows the inventory: subscribe first, then the snapshot; returns the unsubscribe. */
  connect(client: CorralClient): () => void;
}

/** The topology's data and UI state; inventory changes arrive as deltas from core. */
export const useTopologyStore = create<TopologyState>((set, get) => ({
  inventory: EMPTY_INVENTORY,
  loaded: false,
  hostNames: {},
  filter: '',
  collapsed: new Set(),
  actions: {},
  ownerNames: {},
  setFilter: (filter) => set({ filter }),
  toggle: (groupKey) =>
    set((s) => {
      const collapsed = new Set(s.collapsed);
      if (!collapsed.delete(groupKey)) collapsed.add(groupKey);
      return { collapsed };
    }),
  select: (selected) => set({ selected, selectedHost: undefined }),
  selectHost: (selectedHost) => set({ selectedHost, selected: undefined }),
  dismissError: (key) =>
    set((s) => {
      const { [key]: _gone, ...actions } = s.actions;
      return { actions };
    }),
  act: async (client, ref, action) => {
    const key = vmKey(ref);
    if (get().actions[key]?.pending) return; // the buttons are disabled; a double click lands here
    set((s) => ({ actions: { ...s.actions, [key]: { pending: action } } }));
    let error: string | undefined;
    try {
      await client.vm.act({ hostId: ref.hostId, uuid: ref.uuid, action });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    set((s) => {
      const actions = { ...s.actions };
      if (error) actions[key] = { error };
      else delete actions[key];
      return { actions };
    });
  },
  connect: (client) => {
    let snapshotIn = false;
    let closed = false;
    const apply = (delta: InventoryDelta) => {
      // Deltas sent before the snapshot was taken are already in it.
      if (!snapshotIn) return;
      set((s) => ({
        inventory: applyDelta(s.inventory, delta),
        // A VM whose details are open stays selected when it moves host.
        selected: s.selected === undefined ? undefined : keyAfter(s.selected, delta),
      }));
    };
    const sub = client.inventory.onChanged(apply);
    client.inventory.snapshot({}).then(
      (snap) => {
        if (closed) return;
        snapshotIn = true;
        set({ inventory: fromSnapshot(snap), loaded: true, loadError: undefined });
      },
      (err: Error) => !closed && set({ loadError: err.message, loaded: true }),
    );
    let pushed = false;
    const names = (list: Array<{ id: string; name: string }>) =>
      set({ hostNames: Object.fromEntries(list.map((h) => [h.id, h.name])) });
    const hostsSub = client.hosts.onChanged((list) => {
      pushed = true;
      names(list);
    });
    client.hosts.list({}).then(
      (list) => !pushed && !closed && names(list),
      () => {
        // Names are a nicety: the hostnames from the inventory stand in.
      },
    );
    client.accounts.names({}).then(
      (ownerNames) => !closed && set({ ownerNames }),
      () => {
        // Without names the owner's id stands in.
      },
    );
    return () => {
      closed = true;
      sub.dispose();
      hostsSub.dispose();
    };
  },
}));
