import type { z } from 'zod';
import type { ClusterSpec, NodePhase, Operation } from '../../api/clusters-api';
import type { NodeBoot } from './node-blueprint';
import type { PeerNode } from './node-seed';

/** A cluster spec after the contract's parsing (defaults applied). */
export type ParsedClusterSpec = z.output<typeof ClusterSpec>;

/** Where a node's disk comes from on its host. */
export interface NodeImage {
  pool: string;
  path: string;
  format: string;
  boot: NodeBoot;
}

/** One node of an operation as the journal records it. */
export interface NodeRecord {
  index: number;
  name: string;
  hostId: string;
  phase: z.infer<typeof NodePhase>;
  error?: string;
  /** Fixed up front so a resumed step rebuilds the identical domain. */
  uuid: string;
  /** One per NIC, without prefix. */
  addresses: string[];
  macs: string[];
  image: NodeImage;
  hostKey: { publicKey: string; /** Sealed with the core's cipher. */ privateKeySealed: string };
  /**
   * Resources this operation has started to create (written before the call that creates
   * them): a rollback removes exactly these, checking each on the host.
   */
  touched: { overlay?: boolean; seed?: boolean; domain?: boolean };
  /**
   * The node's volume names, tagged with this operation (see cluster-naming); absent in records
   * journaled before volumes were tagged.
   */
  volumes?: { overlay: string; seed: string };
  /** The seed's upload finished (a seed volume without this is a torn upload). */
  seedUploaded?: boolean;
}

/** A journaled operation: what the contract shows, plus what a resume or rollback needs. */
export interface OperationRecord {
  id: string;
  kind: Operation['kind'];
  cluster: string;
  ownerId: string;
  status: Operation['status'];
  startedAt: string;
  endedAt?: string;
  error?: string;
  spec: ParsedClusterSpec;
  /** The cluster's identity in its nodes' metadata (absent for clusters made before it). */
  clusterId?: string;
  nodes: NodeRecord[];
  /** add-nodes: the nodes the cluster had before (their cluster files are rewritten). */
  existing?: Array<PeerNode & { hostId: string }>;
}

/** The contract's view of a record. */
export function toOperation(r: OperationRecord): Operation {
  return {
    id: r.id,
    kind: r.kind,
    cluster: r.cluster,
    ownerId: r.ownerId,
    status: r.status,
    startedAt: r.startedAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
    ...(r.error ? { error: r.error } : {}),
    nodes: r.nodes.map((n) => ({
      index: n.index,
      name: n.name,
      hostId: n.hostId,
      phase: n.phase,
      ...(n.error ? { error: n.error } : {}),
    })),
  };
}

/** Statuses in which an operation is still doing something (or would be, but for a crash). */
export const ACTIVE_STATUSES: ReadonlySet<Operation['status']> = new Set([
  'running',
  'cancelling',
  'rolling-back',
]);
