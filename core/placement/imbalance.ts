/**
 * How unevenly load is spread over hosts: the standard deviation of host CPU% plus that of host
 * memory%. 0 when every host carries the same; one host at 90% and one at 10% CPU gives 40.
 */
export function imbalanceOf(
  hosts: ReadonlyArray<{ cpuPercent: number; memoryPercent: number }>,
): number {
  return deviation(hosts.map((h) => h.cpuPercent)) + deviation(hosts.map((h) => h.memoryPercent));
}

function deviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance);
}
