import { lazy } from 'react';

// The map's libraries (xyflow, the ELK client) load only when someone opens the map.
export const LazyTopologyMap = lazy(() =>
  import('./topology-map').then((m) => ({ default: m.TopologyMap })),
);
