import type { StatsSample, StatsSeries, StatsSubject } from '../../../../api/inventory-api';

/** The key of a history subject: a host by id, a VM by UUID (its identity wherever it runs). */
export function subjectKey(s: StatsSubject): string {
  return s.kind === 'host' ? `host:${s.hostId}` : `vm:${s.uuid.toLowerCase()}`;
}

export const EMPTY_SERIES: StatsSeries = { t: [], cpu: [], memoryKiB: [] };

/**
 * `older` followed by the points of `newer` that come after it, without the points that have
 * left the window: merges a history read with the samples that arrived while it was read.
 * Pure; returns `older` itself when nothing changes.
 */
export function mergeSeries(older: StatsSeries, newer: StatsSeries, since: number): StatsSeries {
  const last = older.t.length ? older.t[older.t.length - 1]! : -Infinity;
  let from = 0;
  while (from < newer.t.length && newer.t[from]! <= last) from++;
  let drop = 0;
  while (drop < older.t.length && older.t[drop]! < since) drop++;
  if (from === newer.t.length && drop === 0) return older;
  return {
    t: [...older.t.slice(drop), ...newer.t.slice(from)],
    cpu: [...older.cpu.slice(drop), ...newer.cpu.slice(from)],
    memoryKiB: [...older.memoryKiB.slice(drop), ...newer.memoryKiB.slice(from)],
  };
}

/** The points a stats sample brings for each subject it covers, by subject key. */
export function samplePoints(sample: StatsSample): Map<string, StatsSeries> {
  const out = new Map<string, StatsSeries>();
  const one = (cpu: number | null, memoryKiB: number | null): StatsSeries => ({
    t: [sample.at],
    cpu: [cpu],
    memoryKiB: [memoryKiB],
  });
  out.set(`host:${sample.hostId}`, one(sample.host.cpu, sample.host.memoryKiB));
  for (const vm of sample.vms) out.set(`vm:${vm.uuid.toLowerCase()}`, one(vm.cpu, vm.memoryKiB));
  return out;
}

/**
 * uPlot's data for one metric: x in seconds, with a null point inserted where samples stopped
 * for more than two periods (a stopped VM, a host that dropped), so the line breaks there
 * instead of drawing a slope across the gap.
 */
export function chartData(
  series: StatsSeries,
  metric: 'cpu' | 'memoryKiB',
  periodMs: number,
  scale = 1,
): [number[], Array<number | null>] {
  const xs: number[] = [];
  const ys: Array<number | null> = [];
  const values = series[metric];
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i]!;
    if (i > 0 && t - series.t[i - 1]! > 2 * periodMs) {
      xs.push((series.t[i - 1]! + periodMs) / 1000);
      ys.push(null);
    }
    const v = values[i];
    xs.push(t / 1000);
    ys.push(v === null || v === undefined ? null : v * scale);
  }
  return [xs, ys];
}

/** The newest known value of a metric, or undefined. */
export function latest(series: StatsSeries, metric: 'cpu' | 'memoryKiB'): number | undefined {
  const values = series[metric];
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}
