import { join } from 'node:path';

/**
 * Fixed facts of the lab. One unusual /24 that nothing else on the machine uses, so the lab never
 * routes anywhere but to itself.
 */
export const LAB = {
  /** Network prefix of the lab's private L2 segment. */
  subnetPrefix: '10.213.0',
  prefixLength: 24,
  /** The root namespace's bridge that every host's uplink joins. */
  rootBridge: 'corral-lab0',
  /** Address of the root bridge: how tests and the desktop reach the lab. */
  rootAddress: '10.213.0.1',
  /** Prefix of the network namespaces (one per host). */
  netnsPrefix: 'corral-lab-h',
  /** Bridge inside each host's namespace that its guests attach to. */
  hostBridge: 'br0',
  maxHosts: 4,
  defaultHosts: 2,
  /** Guests get addresses from .100 up. */
  firstGuestOctet: 100,
  /** measured: more than 8 live TCG guests or 4 concurrent boots overload a 2-core machine. */
  maxLiveGuests: 8,
  maxConcurrentBoots: 4,
  guestMemoryMiB: 256,
  /** measured: without a cap, QEMU's TCG code cache alone takes ~1.2 GiB per guest. */
  tcgCacheMiB: 64,
} as const;

/** Where the lab keeps everything it creates at runtime (state, keys, host trees). */
export const LAB_DIR = process.env.CORRAL_LAB_DIR ?? '/var/lib/corral-lab';
/** The state file other processes (tests, `status`, `down`) read. */
export const STATE_FILE = join(LAB_DIR, 'state.json');

/** Address of host `i` (1-based) on the lab segment. */
export function hostAddress(i: number): string {
  return `${LAB.subnetPrefix}.${10 + i}`;
}

/** Network namespace name of host `i` (1-based). */
export function hostNetns(i: number): string {
  return `${LAB.netnsPrefix}${i}`;
}

/** Hostname of host `i` (1-based), also its name in the lab's ssh_config. */
export function hostName(i: number): string {
  return `corral-lab-h${i}`;
}
