import { CorralError } from '../../api/errors';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import * as storageVolume from '../libvirt/storage-volume';
import { toCorralError } from '../vm/libvirt-errors';
import { overlayVolumeName, seedVolumeName } from './cluster-naming';
import { identityMismatch, removeVerifiedNode } from './node-identity';
import {
  nodeDomainXml,
  overlayVolumeXml,
  rawVolumeXml,
  type NodeBlueprint,
} from './node-blueprint';
import { parseNodeDetails } from './node-metadata';
import {
  deleteVolumeIfPresent,
  domainXml,
  findDomain,
  findDomainByUuid,
  findVolume,
  isActive,
  lookupPool,
  uploadVolume,
  volumePath,
} from './node-resources';
import { nodeSeedIso, type PeerNode } from './node-seed';
import { sealedConsole } from './console-sign-in';
import { connectNode, waitForSshBanner, type NodeEndpoint } from './node-ssh';
import type { NodeRecord, OperationRecord } from './operation-record';
import { nodeMaximums, type HostSize } from './node-maximums';

const GiB = 1024 ** 3;

/** What building a node needs from its operation. */
export interface BuildContext {
  op: OperationRecord;
  hosts: HostConnections;
  /** Every node of the cluster once the operation is done (for /etc/hosts, hostfile, known_hosts). */
  peers: readonly PeerNode[];
  clusterKey: { privateKey: string; publicKey: string };
  /** The node's host private key (unsealed). */
  hostPrivateKey(node: NodeRecord): string;
  /** Hands the node's state to the journal (its next batch) and reports progress. */
  save(): void;
  /** Like save, and resolves once it is on disk: before a call whose effect a crash must not hide. */
  checkpoint(): Promise<void>;
  /** True once the operation should stop (cancel, or another node failed). */
  stopped(): boolean;
  sshTimeoutMs: number;
  /** The CPUs and memory of a host (they cap a node's default ceilings); undefined if unknown. */
  hostSize?(hostId: string): HostSize | undefined;
}

/** How to reach a node over SSH (through its host when the host is reached over SSH). */
export function endpointOf(
  hosts: HostConnections,
  node: { name: string; hostId: string; address: string; hostKey: string },
): NodeEndpoint {
  return {
    name: node.name,
    address: node.address,
    hostKey: node.hostKey,
    jump: hosts.ssh?.(node.hostId),
  };
}

function checkStop(ctx: BuildContext): void {
  if (ctx.stopped()) throw new CorralError('cancelled', 'stopped');
}

/**
 * Creates one node, step by step, each step first checking the host (the host is the truth, so
 * a resumed operation skips what exists): overlay → seed → define → start → SSH answers with the
 * node's own host key and accepts the cluster key. Before each create the journal records the
 * intent (`touched`) and waits for the disk, so a rollback knows what may be this operation's.
 */
export async function buildNode(ctx: BuildContext, node: NodeRecord): Promise<void> {
  const { op } = ctx;
  const spec = op.spec;
  const client = ctx.hosts.libvirt(node.hostId);
  const setPhase = (phase: NodeRecord['phase']) => {
    node.phase = phase;
    ctx.save();
  };
  const pool = await lookupPool(client, node.image.pool);
  const { overlay: overlayName, seed: seedName } = volumeNames(op, node);

  checkStop(ctx);
  setPhase('cloning');
  let overlay = await findVolume(client, pool, overlayName);
  if (overlay && !node.touched.overlay) {
    throw new CorralError('conflict', `a volume ${overlayName} already exists on ${node.hostId}`);
  }
  if (!overlay) {
    node.touched.overlay = true;
    await ctx.checkpoint();
    const xml = overlayVolumeXml(overlayName, spec.diskGiB * GiB, {
      path: node.image.path,
      format: node.image.format,
    });
    overlay = (await storageVolume.createXml(client, { pool, xml, flags: 0 })).vol;
  }
  const overlayPath = await volumePath(client, overlay);

  checkStop(ctx);
  setPhase('seeding');
  let seed = await findVolume(client, pool, seedName);
  if (seed && !node.touched.seed) {
    throw new CorralError('conflict', `a volume ${seedName} already exists on ${node.hostId}`);
  }
  if (seed && !node.seedUploaded) {
    // A torn upload (Corral stopped during it): start the seed again.
    await deleteVolumeIfPresent(client, pool, seedName);
    seed = undefined;
  }
  if (!seed) {
    const iso = nodeSeedIso({
      instanceId: `${op.id}-${node.name}`,
      name: node.name,
      nics: spec.nics.map((nic, i) => ({
        spec: nic,
        mac: node.macs[i]!,
        address: node.addresses[i]!,
      })),
      authorizedKeys: spec.sshAuthorizedKeys,
      clusterKey: ctx.clusterKey,
      hostKey: { privateKey: ctx.hostPrivateKey(node), publicKey: node.hostKey.publicKey },
      peers: ctx.peers,
      console: sealedConsole(spec),
    });
    node.touched.seed = true;
    await ctx.checkpoint();
    seed = (
      await storageVolume.createXml(client, {
        pool,
        xml: rawVolumeXml(seedName, iso.length),
        flags: 0,
      })
    ).vol;
    await uploadVolume(client, seed, iso);
    node.seedUploaded = true;
    ctx.save();
  }
  const seedPath = await volumePath(client, seed);

  checkStop(ctx);
  setPhase('defining');
  // A domain with the journaled UUID is this operation's (a resume) only if it says so itself.
  let dom = await findDomainByUuid(client, node.uuid);
  const why =
    dom &&
    identityMismatch(parseNodeDetails(await domainXml(client, dom)), {
      cluster: op.cluster,
      owner: op.ownerId,
      operation: op.id,
    });
  if (why || (!dom && (await findDomain(client, node.name)))) {
    throw new CorralError(
      'conflict',
      `a domain named ${node.name} already exists on ${node.hostId}${why ? ` (${why})` : ''}`,
    );
  }
  if (!dom) {
    node.touched.domain = true;
    await ctx.checkpoint();
    dom = (
      await domain.defineXml(client, {
        xml: nodeDomainXml(blueprint(ctx, node, overlayPath, seedPath)),
        flags: 0,
      })
    ).dom;
  }

  checkStop(ctx);
  setPhase('starting');
  if (!(await isActive(client, dom))) await domain.create(client, { dom, flags: 0 });

  setPhase('waiting-ssh');
  const endpoint = endpointOf(ctx.hosts, {
    name: node.name,
    hostId: node.hostId,
    address: node.addresses[0]!,
    hostKey: node.hostKey.publicKey,
  });
  await waitForSshBanner(endpoint, {
    timeoutMs: ctx.sshTimeoutMs,
    cancelled: ctx.stopped,
    hostOnline: () => void ctx.hosts.libvirt(node.hostId),
  });
  // One login proves the node is the one we seeded (its host key) and trusts the cluster key.
  const ssh = await firstLogin(endpoint, ctx.clusterKey.privateKey, ctx.stopped);
  ssh.end();
}

/** Logins tried before the node counts as unreachable (see firstLogin). */
const FIRST_LOGIN_ATTEMPTS = 3;

/**
 * The first login, tried a few times: real cloud images may restart sshd once, seconds after it
 * first answers (cloud-init's `ssh_pwauth` edits sshd_config in a later stage), and a login that
 * lands in that gap is refused. A wrong host key fails every attempt, so it is still refused.
 */
async function firstLogin(
  endpoint: NodeEndpoint,
  privateKey: string,
  stopped: () => boolean,
): ReturnType<typeof connectNode> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectNode(endpoint, privateKey);
    } catch (err) {
      if (attempt >= FIRST_LOGIN_ATTEMPTS || stopped()) throw err;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

function blueprint(
  ctx: BuildContext,
  node: NodeRecord,
  overlayPath: string,
  seedPath: string,
): NodeBlueprint {
  const spec = ctx.op.spec;
  return {
    name: node.name,
    uuid: node.uuid,
    vcpus: spec.vcpus,
    memoryMiB: spec.memoryMiB,
    ...nodeMaximums(spec, ctx.hostSize?.(node.hostId)),
    overlayPath,
    seedPath,
    boot: node.image.boot,
    nics: spec.nics.map((nic, i) => ({
      source: nic.source,
      mac: node.macs[i]!,
      address: `${node.addresses[i]}/${nic.addresses.cidr.split('/')[1]}`,
    })),
    metadata: {
      cluster: ctx.op.cluster,
      owner: ctx.op.ownerId,
      index: node.index,
      operation: ctx.op.id,
      clusterId: ctx.op.clusterId,
    },
    hostKey: node.hostKey.publicKey,
    clusterKey: ctx.clusterKey.publicKey,
    spec: JSON.stringify(spec),
  };
}

/** The node's volume names: tagged ones from the journal, untagged for older records. */
function volumeNames(op: OperationRecord, node: NodeRecord): { overlay: string; seed: string } {
  return (
    node.volumes ?? {
      overlay: overlayVolumeName(op.cluster, node.index),
      seed: seedVolumeName(op.cluster, node.index),
    }
  );
}

/**
 * Removes what operation `op` created for a node, by identity, never by name alone: the domain
 * only if the one with the journaled UUID says in its metadata that this operation made it for
 * this cluster and owner (with its own disks), and volumes by name only when that name carries
 * this operation's tag and the journal says this operation began creating them. Returns what was
 * found but left alone; throws (with what is left) when the host cannot be reached.
 */
export async function rollbackNode(
  hosts: HostConnections,
  op: OperationRecord,
  node: NodeRecord,
): Promise<string[]> {
  const client = hosts.libvirt(node.hostId);
  const leftAlone: string[] = [];
  try {
    if (node.touched.domain) {
      const removal = await removeVerifiedNode(client, {
        uuid: node.uuid,
        cluster: op.cluster,
        owner: op.ownerId,
        operation: op.id,
      });
      leftAlone.push(...removal.leftAlone);
    }
    if (!node.touched.seed && !node.touched.overlay) return leftAlone;
    const pool = await lookupPool(client, node.image.pool);
    if (!node.volumes) {
      // Journaled before volume names were tagged: an untagged name may be someone else's now.
      for (const name of Object.values(volumeNames(op, node))) {
        if (await findVolume(client, pool, name)) leftAlone.push(`volume ${name} (untagged name)`);
      }
      return leftAlone;
    }
    if (node.touched.seed) await deleteVolumeIfPresent(client, pool, node.volumes.seed);
    if (node.touched.overlay) await deleteVolumeIfPresent(client, pool, node.volumes.overlay);
    return leftAlone;
  } catch (err) {
    throw toCorralError(err, `rolling back ${node.name} on ${node.hostId}`);
  }
}
