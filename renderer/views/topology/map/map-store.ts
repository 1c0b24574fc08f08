import { create } from 'zustand';
import { notify } from '../../../app/notifications';

/** A message the map shows as a toast (drops it cannot act on yet, mostly). */
export interface MapNotice {
  variant: 'info' | 'warning' | 'danger';
  title: string;
  body: string;
}

interface MapState {
  /** The user's fold choices by cluster node id; others follow the size rule. */
  overrides: Readonly<Record<string, boolean>>;
  setCollapsed(id: string, collapsed: boolean): void;
  /** The host a VM being dragged would migrate to if let go now (its group is highlighted). */
  dropHost?: string;
  setDropHost(hostId: string | undefined): void;
}

/** The map's own UI state (the inventory and the selection are the topology store's). */
export const useMapStore = create<MapState>((set) => ({
  overrides: {},
  setCollapsed: (id, collapsed) => set((s) => ({ overrides: { ...s.overrides, [id]: collapsed } })),
  setDropHost: (dropHost) => set((s) => (s.dropHost === dropHost ? s : { dropHost })),
}));

/** Shows a map notice through the app's one toast group. */
export function notifyMap(notice: MapNotice): void {
  notify({ variant: notice.variant, title: notice.title, detail: notice.body });
}
