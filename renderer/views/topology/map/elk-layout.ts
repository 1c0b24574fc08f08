import ELK from 'elkjs/lib/elk-api';
// The worker build is served as a file from the app's own origin: the strict CSP allows
// scripts from 'self' only, and ELK then runs off the main thread.
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { elkGraph, placementOf, type MapPlacement } from './map-geometry';
import type { MapGraph } from './map-graph';

let elk: InstanceType<typeof ELK> | undefined;

/** One ELK worker for the page, started when the map's chunk loads. */
function instance(): InstanceType<typeof ELK> {
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  return elk;
}

/** Starts the worker early, so the first layout does not wait for ELK to load. */
export function warmUpLayout(): void {
  instance();
}

/** Lays the map out in ELK's worker. */
export async function layoutMap(graph: MapGraph): Promise<MapPlacement> {
  return placementOf(await instance().layout(elkGraph(graph)));
}
