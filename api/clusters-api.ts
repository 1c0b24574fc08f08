import { z } from 'zod';
import { event, method } from './contract';
import { HostId } from './hosts-api';
import { VolumeName } from './images-api';
import { DomainUuid } from './inventory-api';

/** A cluster's name is also its nodes' name prefix and host name prefix (`<name>-<index>`). */
export const ClusterName = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes, starting with a letter');

const IPv4 = z.ipv4();

/** A range of static addresses for a NIC, handed out in order to the cluster's nodes. */
export const AddressPool = z.object({
  /** e.g. 10.213.0.0/24: the prefix length is what the guest configures. */
  cidr: z.cidrv4(),
  first: IPv4,
  last: IPv4,
  gateway: IPv4.optional(),
});
export type AddressPool = z.infer<typeof AddressPool>;

/** One network interface of every node. The first NIC's addresses name the nodes in /etc/hosts. */
export const NicSpec = z.object({
  /** A bridge on the host (e.g. br0) or a libvirt network name. */
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('bridge'), bridge: VolumeName }),
    z.object({ kind: z.literal('network'), network: VolumeName }),
  ]),
  addresses: AddressPool,
});
export type NicSpec = z.infer<typeof NicSpec>;

export const PlacementChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('round-robin') }),
  z.object({ kind: z.literal('first-fit') }),
  z.object({
    kind: z.literal('threshold'),
    maxCpuPercent: z.number().min(0).max(100),
    maxMemoryPercent: z.number().min(0).max(100),
  }),
]);
export type PlacementChoice = z.infer<typeof PlacementChoice>;

/** A SHA-512 crypt hash (`$6$[rounds=N$]salt$hash`): what `chpasswd -e` and cloud-init accept. */
export const Sha512CryptHash = z
  .string()
  // `$6$` + optional `rounds=N$` + a 1-16 character salt + `$` + 86 characters of hash.
  .min(91)
  .max(123)
  .regex(
    /^\$6\$(rounds=[1-9][0-9]{3,8}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/,
    'not a SHA-512 crypt hash',
  );

/**
 * How the owner signs in on a node's serial console. Core turns a typed password into its hash
 * before anything is stored or sent to a host, so nodes and journals only ever hold the hash.
 */
export const ConsoleSignIn = z.discriminatedUnion('kind', [
  /**
   * root is signed in automatically: the console is reachable only by the owner through Corral
   * and by the host's own administrators.
   */
  z.object({ kind: z.literal('autologin') }),
  /** root's console password as typed (SSH stays key-only). */
  z.object({
    kind: z.literal('password'),
    password: z
      .string()
      .min(8, 'at least 8 characters')
      .max(128, 'at most 128 characters')
      .regex(/^[^\p{Cc}]*$/u, 'no control characters or line breaks'),
  }),
  /** root's console password as its SHA-512 crypt hash (how a node records it). */
  z.object({ kind: z.literal('password-hash'), hash: Sha512CryptHash }),
]);
export type ConsoleSignIn = z.input<typeof ConsoleSignIn>;

/** Everything the wizard asks, before the checks across fields. */
const ClusterSpecFields = z.object({
  name: ClusterName,
  nodes: z.number().int().min(1).max(64),
  vcpus: z.number().int().min(1).max(64),
  memoryMiB: z
    .number()
    .int()
    .min(128)
    .max(1024 * 1024),
  diskGiB: z.number().int().min(1).max(4096),
  /**
   * The most memory a node may grow to while it runs (the balloon's ceiling). Absent: twice
   * `memoryMiB`, capped by the memory of the node's host.
   */
  maxMemoryMiB: z
    .number()
    .int()
    .min(128)
    .max(1024 * 1024)
    .optional(),
  /**
   * The most vCPUs a node may hot-plug while it runs. Absent: twice `vcpus`, capped by the CPUs
   * of the node's host (more vCPUs than host CPUs only time-share them).
   */
  maxVcpus: z.number().int().min(1).max(64).optional(),
  nics: z.array(NicSpec).min(1).max(4),
  /** The base image's volume name; it must exist (same name) on every host a node lands on. */
  image: VolumeName,
  placement: PlacementChoice,
  /** Extra OpenSSH public keys for root on every node (the user's own key). */
  sshAuthorizedKeys: z
    .array(z.string().max(16 * 1024))
    .max(16)
    .default([]),
  /** Serial console sign-in; clusters recorded before it existed sign root in automatically. */
  console: ConsoleSignIn.default({ kind: 'autologin' }),
});

/** Everything the wizard asks; a ceiling is never below the size it caps. */
export const ClusterSpec = ClusterSpecFields.refine(
  (s) => s.maxMemoryMiB === undefined || s.maxMemoryMiB >= s.memoryMiB,
  { path: ['maxMemoryMiB'], message: 'the maximum memory must be at least the memory' },
).refine((s) => s.maxVcpus === undefined || s.maxVcpus >= s.vcpus, {
  path: ['maxVcpus'],
  message: 'the maximum vCPUs must be at least the vCPUs',
});
export type ClusterSpec = z.input<typeof ClusterSpec>;

/** One node of a preview or of a cluster. */
export const NodePlan = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  hostId: HostId,
  /** One address per NIC, in NIC order. */
  addresses: z.array(z.string()),
});

/** A host's capacity before and after the plan, for the preview. */
export const HostProjection = z.object({
  hostId: HostId,
  name: z.string(),
  freeMemoryKiBBefore: z.number(),
  freeMemoryKiBAfter: z.number(),
  memoryPercentBefore: z.number(),
  memoryPercentAfter: z.number(),
  cpuPercent: z.number(),
  nodes: z.number().int().nonnegative(),
});

/** Names a previewed placement, for building exactly it (kept for a few minutes, in memory). */
export const PlanId = z.string().min(1).max(64);

export const ClusterPreview = z.object({
  /** Pass it to create / addNodes to build exactly this placement, not a new plan. */
  planId: PlanId,
  nodes: z.array(NodePlan),
  hosts: z.array(HostProjection),
});
export type ClusterPreview = z.infer<typeof ClusterPreview>;

export const ClusterNode = NodePlan.extend({
  uuid: DomainUuid.optional(),
  state: z.string(),
});

export const Cluster = z.object({
  name: ClusterName,
  ownerId: z.string(),
  ownerName: z.string().optional(),
  nodes: z.array(ClusterNode),
  /** The volumes and domains a delete would remove, by host, for the confirmation. */
  resources: z.array(
    z.object({ hostId: HostId, domains: z.array(z.string()), volumes: z.array(z.string()) }),
  ),
});
export type Cluster = z.infer<typeof Cluster>;

/**
 * A node's progress. Create and add-nodes go queued → cloning → seeding → defining → starting →
 * waiting-ssh → (add-nodes: configuring, while every node's /etc/hosts, hostfile and known_hosts
 * are rewritten) → ready. A delete goes queued → configuring (being removed) → rolled-back
 * (gone). After a failure or cancel, what was created is removed: rolled-back.
 */
export const NodePhase = z.enum([
  'queued',
  'cloning',
  'seeding',
  'defining',
  'starting',
  'waiting-ssh',
  'configuring',
  'ready',
  'failed',
  'cancelled',
  'rolled-back',
]);

/** A journaled multi-step operation (create, add nodes, delete) and its per-node progress. */
export const Operation = z.object({
  id: z.string(),
  kind: z.enum(['create', 'add-nodes', 'delete']),
  cluster: ClusterName,
  ownerId: z.string(),
  status: z.enum([
    'running',
    'succeeded',
    'failed',
    'cancelling',
    'cancelled',
    /** Corral stopped while it ran: resume or roll back. */
    'interrupted',
    'rolling-back',
    'rolled-back',
  ]),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  nodes: z.array(
    z.object({
      index: z.number().int(),
      name: z.string(),
      hostId: HostId,
      phase: NodePhase,
      error: z.string().optional(),
    }),
  ),
  error: z.string().optional(),
});
export type Operation = z.infer<typeof Operation>;

/**
 * Domains whose Corral metadata names an operation this Corral never ran nor adopted (another
 * Corral's, or this one's from before its journal was lost), grouped by that operation.
 */
export const UnknownOperation = z.object({
  operation: z.string(),
  cluster: z.string(),
  ownerId: z.string(),
  nodes: z.array(
    z.object({ hostId: HostId, name: z.string(), uuid: DomainUuid, index: z.number().int() }),
  ),
});
export type UnknownOperation = z.infer<typeof UnknownOperation>;

/** What deleting an unknown operation's domains removed, and what it left alone (not theirs). */
export const UnknownRemoval = z.object({
  removed: z.array(z.string()),
  leftAlone: z.array(z.string()),
});
export type UnknownRemoval = z.infer<typeof UnknownRemoval>;

const ClusterRef = z.object({ cluster: ClusterName });
/** What create takes: the spec, and the preview it confirms (without one, it plans afresh). */
export const CreateCluster = ClusterSpec.extend({ planId: PlanId.optional() });
export type CreateCluster = z.input<typeof CreateCluster>;
const AddNodes = ClusterRef.extend({
  count: z.number().int().min(1).max(64),
  placement: PlacementChoice,
});
const UnknownRef = z.object({ operation: z.string().min(1).max(64) });
const OperationRef = z.object({ id: z.string().min(1).max(64) });

export const clustersApi = {
  /** The caller's clusters (every cluster for the administrator), read from domain metadata. */
  list: method(z.object({}).strict(), z.array(Cluster)),
  /** Where each node would land and each host's capacity before/after; creates nothing. */
  preview: method(ClusterSpec, ClusterPreview),
  /**
   * Starts creating; progress arrives as operation events. With `planId` it builds exactly that
   * preview's placement, after checking it is still valid.
   */
  create: method(CreateCluster, Operation),
  previewAddNodes: method(AddNodes, ClusterPreview),
  addNodes: method(AddNodes.extend({ planId: PlanId.optional() }), Operation),
  /** Deletes domains, volumes and seeds; `confirm` must list exactly the cluster's domains. */
  remove: method(ClusterRef.extend({ confirm: z.array(z.string()) }), Operation),
  /** Administrator: domains tagged with an operation this Corral does not know. */
  listUnknown: method(z.object({}).strict(), z.array(UnknownOperation)),
  /** Administrator: makes the operation known, so its domains are an ordinary cluster. */
  adoptUnknown: method(UnknownRef, UnknownOperation),
  /** Administrator: removes the operation's domains and their own disks, checked by identity. */
  removeUnknown: method(UnknownRef, UnknownRemoval),
} as const;

export const operationsApi = {
  list: method(z.object({}).strict(), z.array(Operation)),
  cancel: method(OperationRef, Operation),
  /** For an interrupted operation: carry on from the journal. */
  resume: method(OperationRef, Operation),
  /** For an interrupted or failed operation: remove what it created. */
  rollback: method(OperationRef, Operation),
  onChanged: event(Operation),
} as const;
