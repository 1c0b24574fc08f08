/** Median of a non-empty sample. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile (0..1) of a non-empty sample, linearly interpolated between ranks. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('quantile of an empty sample');
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** A figure printed as `<name>: corral=<x> <ref>=<y> ratio=<y/x>` (times: higher ratio is better). */
export function timeLine(
  name: string,
  corral: number,
  reference: number,
  refName = 'virsh',
): string {
  const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  return `${name}: corral=${fmt(corral)} ${refName}=${fmt(reference)} ratio=${(reference / corral).toFixed(2)}`;
}
