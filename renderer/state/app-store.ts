import { create } from 'zustand';

export type ViewId = 'topology' | 'hosts' | 'clusters' | 'images' | 'jobs' | 'about';

export const VIEWS: ReadonlyArray<{ id: ViewId; label: string }> = [
  { id: 'topology', label: 'Topology' },
  { id: 'hosts', label: 'Hosts' },
  { id: 'clusters', label: 'Clusters' },
  { id: 'images', label: 'Images' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'about', label: 'About' },
];

/** The dock's tabs. */
export type DockTab = 'consoles' | 'tasks' | 'jobs';

interface AppState {
  view: ViewId;
  /** The bottom panel where consoles and job output live. */
  panelOpen: boolean;
  dockTab: DockTab;
  show(view: ViewId): void;
  togglePanel(): void;
  /** Opens the dock at `tab`. */
  showDockTab(tab: DockTab): void;
}

/** UI navigation state; data from core lives in per-feature stores. */
export const useAppStore = create<AppState>((set) => ({
  view: 'hosts',
  panelOpen: false,
  show: (view) => set({ view }),
  togglePanel: () => set((s) => ({ panelOpen: !s.panelOpen })),
  dockTab: 'consoles',
  showDockTab: (dockTab) => set({ dockTab, panelOpen: true }),
}));
