import { basename } from 'node:path';
import type { LibvirtClient } from '../../native/libvirt';
import { parseDomainXml } from '../inventory/domain-xml';
import { nodeVolumeNames, overlayVolumeName, seedVolumeName } from './cluster-naming';
import { parseNodeDetails, type NodeDetails } from './node-metadata';
import {
  activePools,
  deleteVolumeIfPresent,
  domainXml,
  findDomainByUuid,
  findVolume,
  removeDomain,
  volumePath,
} from './node-resources';

/**
 * Whose a node is, as Corral expects to find it in the domain's metadata before removing it.
 * Names are not identity: after a node is gone, another user's node may take its name, so every
 * removal starts from the domain's UUID and checks this against what the domain says of itself.
 */
export interface ExpectedNode {
  /** The domain's UUID (journaled before it was defined, or read from the inventory). */
  uuid: string;
  cluster: string;
  owner: string;
  /** When set, the node must have been made by this operation (a rollback). */
  operation?: string;
  /** When set, the node must carry this cluster identity (a delete). */
  clusterId?: string;
}

/** Why a domain is not the expected node; undefined when it is. Pure. */
export function identityMismatch(
  details: NodeDetails | undefined,
  want: Omit<ExpectedNode, 'uuid'>,
): string | undefined {
  if (!details) return 'it carries no Corral metadata';
  if (details.cluster !== want.cluster) return `it belongs to cluster ${details.cluster}`;
  if (details.owner !== want.owner) return 'it belongs to another owner';
  if (want.operation !== undefined && details.operation !== want.operation) {
    return `it was made by another operation (${details.operation || 'none recorded'})`;
  }
  if (want.clusterId !== undefined && details.clusterId !== want.clusterId) {
    return 'it belongs to another cluster of the same name';
  }
  return undefined;
}

/**
 * The volume names a node may own: the ones tagged with the operation that made it, or the
 * untagged names of nodes made before tags. Only a disk of the verified domain with one of these
 * names is deleted, so a domain edited to use some other volume (a base image, say) cannot make
 * Corral delete that volume. Pure.
 */
export function ownVolumeNames(details: NodeDetails): Set<string> {
  const names = new Set([
    overlayVolumeName(details.cluster, details.index),
    seedVolumeName(details.cluster, details.index),
  ]);
  if (details.operation) {
    try {
      const tagged = nodeVolumeNames(details.cluster, details.index, details.operation);
      names.add(tagged.overlay).add(tagged.seed);
    } catch {
      // An operation id too short for a tag: the node has untagged names only.
    }
  }
  return names;
}

/** What removing a node did; `leftAlone` names what was found but is not this node's. */
export interface NodeRemoval {
  domain: 'removed' | 'absent' | 'left-alone';
  volumes: string[];
  leftAlone: string[];
}

/**
 * Removes the domain with `want.uuid` only if its metadata names the expected cluster, owner,
 * operation and cluster identity, then deletes those of its own disks that are volumes named as
 * this node's (see ownVolumeNames). Anything else is left alone and reported.
 */
export async function removeVerifiedNode(
  client: LibvirtClient,
  want: ExpectedNode,
): Promise<NodeRemoval> {
  const dom = await findDomainByUuid(client, want.uuid);
  if (!dom) return { domain: 'absent', volumes: [], leftAlone: [] };
  const xml = await domainXml(client, dom);
  const details = parseNodeDetails(xml);
  const why = identityMismatch(details, want);
  if (why || !details) {
    return { domain: 'left-alone', volumes: [], leftAlone: [`domain ${dom.name} (${why})`] };
  }
  const disks = parseDomainXml(xml)
    .disks.map((d) => d.source)
    .filter((s): s is string => typeof s === 'string' && s.startsWith('/'));
  await removeDomain(client, dom);
  const allowed = ownVolumeNames(details);
  const result: NodeRemoval = { domain: 'removed', volumes: [], leftAlone: [] };
  for (const path of disks) {
    if (!allowed.has(basename(path))) {
      result.leftAlone.push(`volume ${path} (not named as ${details.name}'s own disk)`);
      continue;
    }
    if (await deleteVolumeAtPath(client, path)) result.volumes.push(basename(path));
  }
  return result;
}

/** Deletes the volume of an active pool whose path is `path`; false when no pool holds it. */
async function deleteVolumeAtPath(client: LibvirtClient, path: string): Promise<boolean> {
  for (const pool of await activePools(client)) {
    const vol = await findVolume(client, pool, basename(path));
    if (vol && (await volumePath(client, vol)) === path) {
      return deleteVolumeIfPresent(client, pool, vol.name);
    }
  }
  return false;
}
