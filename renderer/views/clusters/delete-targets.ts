import type { Cluster } from '../../../api/clusters-api';

/** What a delete removes on one host, for the confirmation. */
export interface DeleteTargets {
  hostId: string;
  host: string;
  domains: string[];
  volumes: string[];
}

/** Per host, the domains and volumes a delete removes (from Cluster.resources), hosts by name. */
export function deleteTargets(
  cluster: Cluster,
  names?: ReadonlyMap<string, string>,
): DeleteTargets[] {
  return cluster.resources
    .map((r) => ({
      hostId: r.hostId,
      host: names?.get(r.hostId) ?? r.hostId,
      domains: [...r.domains].sort(),
      volumes: [...r.volumes].sort(),
    }))
    .sort((a, b) => a.host.localeCompare(b.host));
}

/** The `confirm` list clusters.remove wants: every domain of the cluster, once. */
export function confirmDomains(cluster: Cluster): string[] {
  return [...new Set(cluster.resources.flatMap((r) => r.domains))].sort();
}
