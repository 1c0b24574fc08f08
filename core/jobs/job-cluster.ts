import type { Client } from 'ssh2';
import { CorralError } from '../../api/errors';
import type { ClusterReadModel } from '../clusters/cluster-read-model';
import { endpointOf } from '../clusters/node-builder';
import { connectNode } from '../clusters/node-ssh';
import type { HostConnections } from '../hosts/host-connections';

/** A node of a job's cluster as the job journals it (enough to reach it again after a restart). */
export interface JobNodeRef {
  name: string;
  hostId: string;
  address: string;
  hostKey: string;
  /** Slots the cluster's hostfile gives it (its vCPUs). */
  vcpus: number;
}

/** What jobs need of clusters: their nodes, whether they run, and a way in. */
export interface JobClusters {
  /** The cluster's nodes in index order, with whether each runs on an online host. */
  nodes(cluster: string): Promise<Array<JobNodeRef & { running: boolean; state: string }>>;
  /** Logs in to a node as root with its cluster's key, through its host. */
  connect(cluster: string, node: JobNodeRef): Promise<Client>;
}

/** Jobs' view of clusters, read from the hosts (the read model) and the cluster key store. */
export function jobClusters(
  hosts: HostConnections,
  model: Pick<ClusterReadModel, 'existingCluster' | 'clusterVms'>,
  clusterKey: (cluster: string) => string | undefined,
): JobClusters {
  return {
    async nodes(cluster) {
      const existing = await model.existingCluster(cluster);
      const vms = model.clusterVms(cluster);
      return existing.live
        .sort((a, b) => a.index - b.index)
        .map((n) => {
          const vm = vms.find((v) => v.name === n.name && v.hostId === n.hostId);
          const state = !vm ? 'gone' : vm.stale ? `${vm.state} (host unreachable)` : vm.state;
          return {
            name: n.name,
            hostId: n.hostId,
            address: n.address,
            hostKey: n.hostKey,
            vcpus: n.vcpus,
            running: vm?.state === 'running' && !vm.stale,
            state,
          };
        });
    },
    async connect(cluster, node) {
      const key = clusterKey(cluster);
      if (!key) {
        throw new CorralError('conflict', `Corral does not hold the key of cluster ${cluster}`);
      }
      return connectNode(endpointOf(hosts, node), key);
    },
  };
}
