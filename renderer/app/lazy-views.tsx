import { lazy } from 'react';

// Each view is its own chunk, loaded when first shown: the sign-in screen and the frame stay
// small, and a view's libraries (terminal, charts, the topology map) load only where used.
export const AboutView = lazy(() =>
  import('../views/about-view').then((m) => ({ default: m.AboutView })),
);
export const HostsView = lazy(() =>
  import('../views/hosts/hosts-view').then((m) => ({ default: m.HostsView })),
);
export const TopologyView = lazy(() =>
  import('../views/topology/topology-view').then((m) => ({ default: m.TopologyView })),
);
export const ClustersView = lazy(() =>
  import('../views/clusters/clusters-view').then((m) => ({ default: m.ClustersView })),
);
export const ImagesView = lazy(() =>
  import('../views/images/images-view').then((m) => ({ default: m.ImagesView })),
);
export const ConsoleWindow = lazy(() =>
  import('../console/console-window').then((m) => ({ default: m.ConsoleWindow })),
);
export const TasksPanel = lazy(() =>
  import('../views/tasks/tasks-panel').then((m) => ({ default: m.TasksPanel })),
);
export const JobsView = lazy(() =>
  import('../views/jobs/jobs-view').then((m) => ({ default: m.JobsView })),
);
export const JobsPanel = lazy(() =>
  import('../views/jobs/jobs-panel').then((m) => ({ default: m.JobsPanel })),
);
