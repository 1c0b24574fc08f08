import type { ResizeChange } from '../../api/resize-api';
import type { LibvirtClient } from '../../native/libvirt';
import { HOSTFILE_PATH } from '../clusters/cluster-naming';
import { nodeMetadataElement } from '../clusters/node-blueprint';
import { endpointOf } from '../clusters/node-builder';
import { parseNodeDetails, type NodeDetails } from '../clusters/node-metadata';
import { clusterFiles, type PeerNode } from '../clusters/node-seed';
import { connectNode, writeNodeFiles } from '../clusters/node-ssh';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import { CORRAL_METADATA_NS, CORRAL_METADATA_PREFIX } from '../metadata/corral-metadata';
import { renderXml } from '../xml/xml-element';
import type { GuestShell } from './vm-resizer';

/** A cluster node as its domain's metadata describes it (undefined: not a Corral node). */
export async function readNodeDetails(
  client: LibvirtClient,
  uuid: string,
): Promise<NodeDetails | undefined> {
  const { dom } = await domain.lookupByUuid(client, { uuid });
  return parseNodeDetails((await domain.getXmlDesc(client, { dom, flags: 0 })).xml);
}

/** SSH into a node through its host, trusting only the host key its metadata names. */
export function nodeShell(
  hosts: HostConnections,
  hostId: string,
  details: NodeDetails,
  privateKey: string,
): GuestShell | undefined {
  const address = details.nics[0]?.address.split('/')[0];
  if (!address || !details.hostKey) return undefined;
  const endpoint = endpointOf(hosts, {
    name: details.name,
    hostId,
    address,
    hostKey: details.hostKey,
  });
  return () => connectNode(endpoint, privateKey);
}

/**
 * The cluster's spec with a resize's sizes, as the nodes record it so nodes added later match.
 * A ceiling the person set that the new size passes is raised to it (a spec whose maximum is
 * below its size would not parse).
 */
export function resizedSpec(specJson: string, change: ResizeChange): string {
  const spec = JSON.parse(specJson) as Record<string, unknown>;
  if (change.memoryMiB !== undefined) {
    spec.memoryMiB = change.memoryMiB;
    if (typeof spec.maxMemoryMiB === 'number' && spec.maxMemoryMiB < change.memoryMiB) {
      spec.maxMemoryMiB = change.memoryMiB;
    }
  }
  if (change.vcpus !== undefined) {
    spec.vcpus = change.vcpus;
    if (typeof spec.maxVcpus === 'number' && spec.maxVcpus < change.vcpus) {
      spec.maxVcpus = change.vcpus;
    }
  }
  if (change.diskGiB !== undefined) spec.diskGiB = change.diskGiB;
  return JSON.stringify(spec);
}

/**
 * Rewrites Corral's element in a node's metadata with the cluster's new spec (running and
 * defined domain alike), everything else as it was.
 */
export async function recordNodeSpec(
  client: LibvirtClient,
  uuid: string,
  details: NodeDetails,
  spec: string,
): Promise<void> {
  const { dom } = await domain.lookupByUuid(client, { uuid });
  const { state } = await domain.getState(client, { dom, flags: 0 });
  const running = state === 1 || state === 2 || state === 3;
  const element = nodeMetadataElement(
    {
      metadata: {
        cluster: details.cluster,
        owner: details.owner,
        index: details.index,
        operation: details.operation,
        ...(details.clusterId ? { clusterId: details.clusterId } : {}),
      },
      nics: details.nics,
      hostKey: details.hostKey ?? '',
      clusterKey: details.clusterKey ?? '',
      spec,
    },
    true,
  );
  const { LIVE, CONFIG } = domain.DomainModify;
  await domain.setMetadata(client, {
    dom,
    type: domain.METADATA_ELEMENT,
    metadata: renderXml(element),
    key: CORRAL_METADATA_PREFIX,
    uri: CORRAL_METADATA_NS,
    flags: running ? LIVE | CONFIG : CONFIG,
  });
}

/** Writes the MPI hostfile (`<name> slots=<vCPUs>`) on every node given, in parallel. */
export async function writeHostfiles(
  peers: ReadonlyArray<PeerNode & { shell: GuestShell }>,
): Promise<void> {
  const hostfile = clusterFiles(peers).filter((f) => f.path === HOSTFILE_PATH);
  await Promise.all(
    peers.map(async (p) => {
      const ssh = await p.shell();
      try {
        await writeNodeFiles(ssh, hostfile);
      } finally {
        ssh.end();
      }
    }),
  );
}
