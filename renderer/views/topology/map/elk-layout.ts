import ELK from 'elkjs/lib/elk-api';
// The worker build is served as a file from the app's own origin: the strict CSP allows
// scripts from 'self' only (ELK uses no eval), and the layout runs off the main thread.
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { ElkNode } from 'elkjs/lib/elk-api';
import {
  ELK_UP_TO_HOSTS,
  elkGraph,
  placementOf,
  shelfPlacement,
  type MapPlacement,
} from './map-geometry';
import type { MapGraph } from './map-graph';

interface Engine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

let worker: { elk: Engine; failed: Promise<never> } | undefined;
let inPage: Promise<Engine> | undefined;

/** One ELK worker for the page; `failed` rejects if the worker cannot load or crashes. */
function workerEngine(): { elk: Engine; failed: Promise<never> } {
  if (!worker) {
    let fail: (err: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {}); // observed by each layout; never an unhandled rejection
    const elk = new ELK({
      workerFactory: () => {
        const w = new Worker(elkWorkerUrl);
        w.addEventListener('error', (e) =>
          fail(new Error(e.message || 'the layout worker failed')),
        );
        return w;
      },
    });
    worker = { elk, failed };
  }
  return worker;
}

/**
 * ELK on the page's own thread, for where a worker cannot start (a page loaded from file:
 * may not be allowed one): the same layout, loaded only then.
 */
function inPageEngine(): Promise<Engine> {
  inPage ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return inPage;
}

/** A small map exercising every algorithm the real ones use (see elkGraph). */
function warmUpGraph(): ElkNode {
  const host = (i: number, algorithm: string): ElkNode => ({
    id: `h${i}`,
    layoutOptions: { 'elk.algorithm': algorithm, 'elk.direction': 'RIGHT' },
    children: [
      { id: `c${i}a`, width: 200, height: 100 },
      { id: `c${i}b`, width: 200, height: 60 },
      { id: `n${i}`, width: 160, height: 40 },
    ],
    edges: [
      { id: `e${i}a`, sources: [`c${i}a`], targets: [`n${i}`] },
      { id: `e${i}b`, sources: [`c${i}b`], targets: [`n${i}`] },
    ],
  });
  return {
    id: 'root',
    layoutOptions: { 'elk.algorithm': 'rectpacking' },
    children: [host(0, 'layered'), host(1, 'layered'), ...[2, 3, 4, 5].map((i) => host(i, 'box'))],
  };
}

/**
 * Starts the worker early and runs one small layout in it: ELK's first layout is several times
 * slower than the next ones (its code is still being compiled), so that cost is paid before
 * anyone waits for the map.
 */
export function warmUpLayout(): void {
  try {
    void workerEngine()
      .elk.layout(warmUpGraph())
      .catch(() => {});
  } catch {
    // The first layout falls back to the page's thread.
  }
}

/** Lays the map out: with ELK, in its worker when possible; big maps on shelves. */
export async function layoutMap(graph: MapGraph): Promise<MapPlacement> {
  if (graph.hosts.length > ELK_UP_TO_HOSTS) return shelfPlacement(graph);
  const input = elkGraph(graph);
  let out: ElkNode;
  try {
    const w = workerEngine();
    out = await Promise.race([w.elk.layout(input), w.failed]);
  } catch {
    out = await (await inPageEngine()).layout(elkGraph(graph));
  }
  return placementOf(out);
}
