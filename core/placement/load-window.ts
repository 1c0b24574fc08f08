/** Samples oldest first, as the inventory's stats history hands them out. */
export interface LoadSeriesLike {
  t: readonly number[];
  cpu: ReadonlyArray<number | null>;
  memoryKiB: ReadonlyArray<number | null>;
}

/** Averages of a series over a window; a figure is undefined when no sample had it. */
export interface WindowAverage {
  cpu: number | undefined;
  memoryKiB: number | undefined;
  /** Samples inside the window. */
  samples: number;
  /** Time between the oldest and newest sample inside the window (ms). */
  coveredMs: number;
}

/**
 * The mean load over the samples taken at `sinceMs` or later. Gaps (null) are skipped rather
 * than read as zero: a figure the host did not report is not an idle host.
 */
export function averageSince(series: LoadSeriesLike, sinceMs: number): WindowAverage {
  let cpuSum = 0;
  let cpuN = 0;
  let memSum = 0;
  let memN = 0;
  let first = Infinity;
  let last = -Infinity;
  let samples = 0;
  for (let i = 0; i < series.t.length; i++) {
    const at = series.t[i]!;
    if (at < sinceMs) continue;
    samples++;
    first = Math.min(first, at);
    last = Math.max(last, at);
    const cpu = series.cpu[i];
    if (cpu !== null && cpu !== undefined && Number.isFinite(cpu)) {
      cpuSum += cpu;
      cpuN++;
    }
    const mem = series.memoryKiB[i];
    if (mem !== null && mem !== undefined && Number.isFinite(mem)) {
      memSum += mem;
      memN++;
    }
  }
  return {
    cpu: cpuN > 0 ? cpuSum / cpuN : undefined,
    memoryKiB: memN > 0 ? memSum / memN : undefined,
    samples,
    coveredMs: samples > 1 ? last - first : 0,
  };
}
