import type { BaseImage } from '../../../api/images-api';

/** A base image name the wizard offers, and the hosts that have a volume of that name. */
export interface ImageOption {
  name: string;
  hostIds: string[];
  /** `debian-lab.qcow2 (on 2 of 2 hosts)` */
  label: string;
}

/**
 * Marked base images grouped by volume name (a node needs the same name on its host), keeping only
 * those on at least one online host. The administrator's listing also has unmarked candidates;
 * core refuses them, so the wizard never offers them. `online` undefined means every listed host counts as online
 * (images.list only reports online hosts; the hosts list may be closed to non-administrators).
 */
export function imageOptions(
  images: readonly BaseImage[],
  online?: ReadonlySet<string>,
): ImageOption[] {
  const byName = new Map<string, Set<string>>();
  for (const img of images) {
    if (!img.marked || (online && !online.has(img.hostId))) continue;
    let hosts = byName.get(img.name);
    if (!hosts) byName.set(img.name, (hosts = new Set()));
    hosts.add(img.hostId);
  }
  const total = online?.size ?? new Set(images.map((i) => i.hostId)).size;
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, hosts]) => ({
      name,
      hostIds: [...hosts].sort(),
      label: `${name} (on ${hosts.size} of ${total} ${total === 1 ? 'host' : 'hosts'})`,
    }));
}
