import { storedTopologyMode } from './use-topology-mode';

/**
 * When the map is the remembered view, loads its code (which starts the ELK worker) once the
 * page is idle, so opening the topology does not wait for a 1.6 MB layout engine to boot.
 */
export function prefetchRememberedMap(): () => void {
  if (storedTopologyMode() !== 'map') return () => {};
  const id = requestIdleCallback(() => void import('./topology-map'), { timeout: 2_000 });
  return () => cancelIdleCallback(id);
}
