import type { ClusterPreview } from '../../../api/clusters-api';

/** One row of the preview's node table: node → host → addresses. */
export interface PreviewNodeRow {
  name: string;
  hostId: string;
  host: string;
  addresses: string;
}

/** One host of the preview, every figure as text (the bars only repeat it). */
export interface PreviewHostRow {
  hostId: string;
  host: string;
  memoryPercentBefore: number;
  memoryPercentAfter: number;
  memoryText: string;
  freeText: string;
  cpuPercent: number;
  cpuText: string;
  nodesText: string;
}

const pct = (n: number) => `${Math.round(n)}%`;
const mib = (kib: number) => `${Math.floor(kib / 1024).toLocaleString('en-US')} MiB`;

/** Host names by id, from the preview itself (it names every host it considered). */
function hostNames(preview: ClusterPreview, extra?: ReadonlyMap<string, string>) {
  const names = new Map(extra);
  for (const h of preview.hosts) names.set(h.hostId, h.name);
  return names;
}

/** The node table, in node order. */
export function previewNodeRows(
  preview: ClusterPreview,
  names?: ReadonlyMap<string, string>,
): PreviewNodeRow[] {
  const byId = hostNames(preview, names);
  return [...preview.nodes]
    .sort((a, b) => a.index - b.index)
    .map((n) => ({
      name: n.name,
      hostId: n.hostId,
      host: byId.get(n.hostId) ?? n.hostId,
      addresses: n.addresses.join(', '),
    }));
}

/** Each host's capacity before → after, as the preview projects it. */
export function previewHostRows(preview: ClusterPreview): PreviewHostRow[] {
  return preview.hosts.map((h) => ({
    hostId: h.hostId,
    host: h.name,
    memoryPercentBefore: h.memoryPercentBefore,
    memoryPercentAfter: h.memoryPercentAfter,
    memoryText: `${pct(h.memoryPercentBefore)} → ${pct(h.memoryPercentAfter)}`,
    freeText: `${mib(h.freeMemoryKiBBefore)} → ${mib(h.freeMemoryKiBAfter)}`,
    cpuPercent: h.cpuPercent,
    cpuText: pct(h.cpuPercent),
    nodesText: h.nodes === 0 ? 'none' : `+${h.nodes}`,
  }));
}
