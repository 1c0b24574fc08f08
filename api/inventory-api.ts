import { z } from 'zod';
import { event, method } from './contract';
import { HostId } from './hosts-api';

/** libvirt's domain states, as words (shown as text, never only as colour). */
export const VmState = z.enum([
  'running',
  'blocked',
  'paused',
  'shutting-down',
  'shut-off',
  'crashed',
  'suspended',
  'no-state',
]);
export type VmState = z.infer<typeof VmState>;

/**
 * libvirt accepts any 128-bit UUID (not only RFC 4122 variants), so the check is the shape only.
 */
export const DomainUuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a domain UUID');

export const VmRef = z.object({ hostId: HostId, uuid: DomainUuid });
export type VmRef = z.infer<typeof VmRef>;

/** A disk of a domain, from its XML. */
export const VmDisk = z.object({
  target: z.string(),
  source: z.string().optional(),
  format: z.string().optional(),
  capacityBytes: z.number().nonnegative().optional(),
  /** disk, cdrom, floppy or lun. */
  device: z.string().optional(),
});
export type VmDisk = z.infer<typeof VmDisk>;

/** A network interface of a domain, from its XML. */
export const VmNic = z.object({
  mac: z.string(),
  /** Bridge or network name the NIC is attached to. */
  source: z.string().optional(),
  model: z.string().optional(),
  /** IP addresses with prefix (`10.0.0.5/24`), from the guest agent or DHCP leases. */
  addresses: z.array(z.string()),
});
export type VmNic = z.infer<typeof VmNic>;

/** Corral's membership metadata (from the domain's <metadata>), once clusters exist. */
export const VmMembership = z.object({
  cluster: z.string(),
  owner: z.string(),
  index: z.number().int().nonnegative(),
  /** The journaled operation that created the node (crash recovery). */
  operation: z.string().optional(),
});
export type VmMembership = z.infer<typeof VmMembership>;

export const Vm = VmRef.extend({
  name: z.string(),
  state: VmState,
  /** True when the host is unreachable: `state` is the last known one, not the truth. */
  stale: z.boolean(),
  /** ISO time the host dropped, when `stale`. */
  staleSince: z.string().optional(),
  vcpus: z.number().int().nonnegative(),
  memoryKiB: z.number().nonnegative(),
  maxMemoryKiB: z.number().nonnegative(),
  /** The most vCPUs the VM may run with without a restart (hot-plug ceiling). */
  maxVcpus: z.number().int().nonnegative().optional(),
  /**
   * Sizes its definition holds that the running VM does not have yet (they apply at the next
   * boot): what a resize beyond the VM's maximums leaves. Absent when nothing waits.
   */
  pending: z
    .object({
      memoryKiB: z.number().nonnegative().optional(),
      vcpus: z.number().int().nonnegative().optional(),
      maxMemoryKiB: z.number().nonnegative().optional(),
      maxVcpus: z.number().int().nonnegative().optional(),
    })
    .optional(),
  /** CPU use over the last stats interval, percent of one vCPU times vcpus. */
  cpuPercent: z.number().nonnegative().optional(),
  disks: z.array(VmDisk),
  nics: z.array(VmNic),
  membership: VmMembership.optional(),
});
export type Vm = z.infer<typeof Vm>;

export const HostFacts = z.object({
  hostId: HostId,
  hostname: z.string(),
  cpus: z.number().int().nonnegative(),
  memoryKiB: z.number().nonnegative(),
  freeMemoryKiB: z.number().nonnegative(),
  /** Host CPU use over the last stats interval, 0-100. */
  cpuPercent: z.number().nonnegative(),
  libvirtVersion: z.string(),
  /** True while the host is unreachable: the figures are the last known ones. */
  stale: z.boolean(),
  /** ISO time the host dropped, when `stale`. */
  staleSince: z.string().optional(),
  /** Why the host dropped, when `stale`. */
  staleReason: z.string().optional(),
  updatedAt: z.string(),
});
export type HostFacts = z.infer<typeof HostFacts>;

/** A VM that now runs on another host (a migration): the same VM, its identity kept. */
export const VmMove = z.object({ uuid: DomainUuid, fromHostId: HostId, toHostId: HostId });
export type VmMove = z.infer<typeof VmMove>;

/** A change to the inventory; the renderer merges these into its copy. */
export const InventoryDelta = z.object({
  hosts: z.array(HostFacts),
  upserts: z.array(Vm),
  removals: z.array(VmRef),
  /**
   * VMs that moved host. The same delta also carries the old copy's removal and the new one's
   * upsert, so a client that ignores this field still ends up right; one that reads it moves the
   * VM (its selection, its open panes) instead of dropping one and adding another.
   */
  moves: z.array(VmMove).optional(),
  /** Hosts whose VM list this delta replaces wholesale (after a (re)connect). */
  resetHosts: z.array(HostId),
  /** Hosts removed from Corral: forget their facts and VMs. */
  removedHosts: z.array(HostId),
});
export type InventoryDelta = z.infer<typeof InventoryDelta>;

/** Whose load history to read: a host, or a VM (by its UUID; `hostId` is where it runs now). */
export const StatsSubject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host'), hostId: HostId }).strict(),
  z.object({ kind: z.literal('vm'), hostId: HostId, uuid: DomainUuid }).strict(),
]);
export type StatsSubject = z.infer<typeof StatsSubject>;

/** Load over time, oldest first, as parallel arrays (what a chart plots). */
export const StatsSeries = z.object({
  /** Epoch ms of each sample. */
  t: z.array(z.number()),
  /** CPU use 0-100 (a VM: share of all its vCPUs); null where it is not known. */
  cpu: z.array(z.number().nullable()),
  /** Memory in use, KiB (a VM: its balloon's size); null where it is not known. */
  memoryKiB: z.array(z.number().nullable()),
});
export type StatsSeries = z.infer<typeof StatsSeries>;

/** One stats period of one host: its load and that of each running VM the viewer may see. */
export const StatsSample = z.object({
  hostId: HostId,
  /** Epoch ms. */
  at: z.number(),
  host: z.object({ cpu: z.number(), memoryKiB: z.number() }),
  vms: z.array(
    z.object({
      uuid: DomainUuid,
      cpu: z.number().nullable(),
      memoryKiB: z.number().nullable(),
    }),
  ),
});
export type StatsSample = z.infer<typeof StatsSample>;

export const VmAction = z.enum(['start', 'shutdown', 'force-off', 'reboot']);
export type VmAction = z.infer<typeof VmAction>;

export const inventoryApi = {
  /** Everything known now. */
  snapshot: method(
    z.object({}).strict(),
    z.object({ hosts: z.array(HostFacts), vms: z.array(Vm) }),
  ),
  /** Live changes: lifecycle events at once, stats every few seconds. */
  onChanged: event(InventoryDelta),
  /**
   * The load of hosts and VMs over the last minutes (`windowMs`), one sample per `periodMs`,
   * in the order asked. A VM only for its owner or the administrator (`not-found` otherwise).
   */
  history: method(
    z.object({ subjects: z.array(StatsSubject).max(500) }).strict(),
    z.object({ windowMs: z.number(), periodMs: z.number(), series: z.array(StatsSeries) }),
  ),
  /** Each host's load sample as it is taken: what extends a history read with `history`. */
  onSamples: event(StatsSample),
} as const;

export const vmApi = {
  /** Start, shut down (ACPI), force off, or reboot. One action per VM at a time. */
  act: method(VmRef.extend({ action: VmAction }), z.object({})),
} as const;
