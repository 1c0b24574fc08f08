import { z } from 'zod';
import { method } from './contract';
import { VolumeName } from './images-api';

/**
 * What plain users may attach cluster nodes to. An empty policy allows nothing: until the
 * administrator names a bridge or network and an address range, plain users cannot attach a NIC
 * anywhere. The administrator is not restricted by it.
 */
export const NetworkPolicy = z
  .object({
    /** Host bridges (e.g. br0) a NIC may join. */
    bridges: z.array(VolumeName).max(64),
    /** libvirt networks a NIC may join. */
    networks: z.array(VolumeName).max(64),
    /** IPv4 CIDRs every static address handed out must fall in (e.g. 10.213.0.128/25). */
    addressRanges: z.array(z.cidrv4()).max(64),
  })
  .strict();
export type NetworkPolicy = z.infer<typeof NetworkPolicy>;

export const networksApi = {
  /** The current policy (administrator only). */
  policy: method(z.object({}).strict(), NetworkPolicy),
  /** Replaces the policy (administrator only); returns it as stored (CIDRs normalised). */
  setPolicy: method(NetworkPolicy, NetworkPolicy),
} as const;
