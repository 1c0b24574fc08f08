import { create } from 'zustand';

/** The VM a migrate dialog is open for, and the target it was asked for (a drop on the map). */
export interface MigrateRequestView {
  hostId: string;
  uuid: string;
  name: string;
  targetHostId?: string;
}

interface MigrateState {
  open?: MigrateRequestView;
  /** Opens the one migrate dialog (the details' action and a drop on the map share it). */
  show(request: MigrateRequestView): void;
  close(): void;
}

export const useMigrateStore = create<MigrateState>((set) => ({
  show: (open) => set({ open }),
  close: () => set({ open: undefined }),
}));
