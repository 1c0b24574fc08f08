import { storedTopologyMode } from './use-topology-mode';

/**
 * When the map is the remembered view, loads the topology's code and the map's (which starts the
 * ELK worker) once the page is idle, so opening the topology waits neither for its chunks nor
 * for a 1.6 MB layout engine to boot.
 */
export function prefetchRememberedMap(): () => void {
  if (storedTopologyMode() !== 'map') return () => {};
  const id = requestIdleCallback(
    () => {
      void import('../topology-view');
      void import('./topology-map');
    },
    { timeout: 2_000 },
  );
  return () => cancelIdleCallback(id);
}
