import { create } from 'zustand';

/** A message the map shows as a toast (drops it cannot act on yet, mostly). */
export interface MapNotice {
  id: number;
  variant: 'info' | 'warning' | 'danger';
  title: string;
  body: string;
}

interface MapState {
  /** The user's fold choices by cluster node id; others follow the size rule. */
  overrides: Readonly<Record<string, boolean>>;
  notices: readonly MapNotice[];
  setCollapsed(id: string, collapsed: boolean): void;
  notify(notice: Omit<MapNotice, 'id'>): void;
  dismiss(id: number): void;
}

let nextId = 1;

/** The map's own UI state (the inventory and the selection are the topology store's). */
export const useMapStore = create<MapState>((set) => ({
  overrides: {},
  notices: [],
  setCollapsed: (id, collapsed) => set((s) => ({ overrides: { ...s.overrides, [id]: collapsed } })),
  // The newest few are enough: a burst of drops must not pile up a wall of toasts.
  notify: (n) => set((s) => ({ notices: [...s.notices.slice(-3), { ...n, id: nextId++ }] })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));
