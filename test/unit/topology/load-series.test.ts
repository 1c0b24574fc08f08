import { describe, expect, it } from 'vitest';
import {
  chartData,
  latest,
  mergeSeries,
  samplePoints,
  subjectKey,
} from '../../../renderer/views/topology/charts/load-series';

const series = (t: number[], v: Array<number | null> = t.map((x) => x / 1000)) => ({
  t,
  cpu: v,
  memoryKiB: v,
});

describe('load series in the renderer', () => {
  it('appends live samples after a history read, never twice, and drops what left the window', () => {
    const history = series([1000, 4000, 7000]);
    const merged = mergeSeries(history, series([4000, 7000, 10_000]), 2000);
    expect(merged.t).toEqual([4000, 7000, 10_000]);
    expect(merged.cpu).toEqual([4, 7, 10]);
    // Nothing new and nothing old: the same object, so React does not redraw.
    expect(mergeSeries(merged, series([7000]), 0)).toBe(merged);
  });

  it('breaks the line where samples stopped for more than two periods', () => {
    const [xs, ys] = chartData(series([3000, 6000, 30_000], [10, 20, 30]), 'cpu', 3000);
    expect(xs).toEqual([3, 6, 9, 30]);
    expect(ys).toEqual([10, 20, null, 30]);
  });

  it('scales memory to the chart unit and keeps unknown figures as gaps', () => {
    const [, ys] = chartData(series([0, 3000], [2048, null]), 'memoryKiB', 3000, 1 / 1024);
    expect(ys).toEqual([2, null]);
    expect(latest(series([0, 3000], [5, null]), 'cpu')).toBe(5);
    expect(latest(series([]), 'cpu')).toBeUndefined();
  });

  it('keys a VM by its UUID alone, so a migrated VM keeps its chart', () => {
    const uuid = 'AAAAAAAA-0000-4000-8000-000000000001';
    expect(subjectKey({ kind: 'vm', hostId: 'h1', uuid })).toBe(
      subjectKey({ kind: 'vm', hostId: 'h2', uuid: uuid.toLowerCase() }),
    );
    const points = samplePoints({
      hostId: 'h2',
      at: 9000,
      host: { cpu: 50, memoryKiB: 1024 },
      vms: [{ uuid, cpu: 12.5, memoryKiB: 512 }],
    });
    expect(points.get(`vm:${uuid.toLowerCase()}`)).toEqual({
      t: [9000],
      cpu: [12.5],
      memoryKiB: [512],
    });
    expect(points.get('host:h2')?.cpu).toEqual([50]);
  });
});
