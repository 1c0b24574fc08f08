import type { z } from 'zod';
import type { ClusterSpec, NicSpec } from '../../api/clusters-api';
import { LAB } from '../../test/lab/config';
import { LAB_BASE_VOLUME } from '../../test/lab/base-image-volumes';

/** Nodes per cluster and lab hosts they spread over (4 nodes on 2 hosts). */
export const NODES = 4;
export const HOSTS = 2;

/** Every name this bench creates starts with this (domains, volumes, clusters). */
export const BENCH_PREFIX = 'h7bench-';
export const CORRAL_CLUSTER = `${BENCH_PREFIX}corral`;
export const REFERENCE_CLUSTER = `${BENCH_PREFIX}ref`;

/** The default pool of a lab host, where the base image and every node volume live. */
export const IMAGES_DIR = '/var/lib/libvirt/images';

/** One node's shape, the same on both sides (the lab guests' size). */
export const SHAPE = { vcpus: 1, memoryMiB: LAB.guestMemoryMiB, diskGiB: 2 } as const;

/**
 * Static addresses from slices of the lab segment nothing else hands out (lab guests start at
 * .100, the clusters e2e uses .180-.189): .200-.219 for Corral, .224-.227 for the reference.
 * Corral's slice holds a fresh set per round: it keeps a deleted cluster's addresses reserved
 * by the finished create operation (reported to the clusters engineer).
 */
export function benchNic(first: number, count: number): NicSpec {
  return {
    source: { kind: 'bridge', bridge: LAB.hostBridge },
    addresses: {
      cidr: `${LAB.subnetPrefix}.0/${LAB.prefixLength}`,
      first: `${LAB.subnetPrefix}.${first}`,
      last: `${LAB.subnetPrefix}.${first + count - 1}`,
    },
  };
}
export const CORRAL_FIRST_OCTET = 200;
export const CORRAL_POOL_SIZE = 20;
export const REFERENCE_FIRST_OCTET = 224;
/** Rounds Corral's address slice has room for. */
export const MAX_ROUNDS = CORRAL_POOL_SIZE / NODES;

/** The wizard's answers for Corral's side: round robin over the two lab hosts. */
export function corralSpec(userKey: string): z.output<typeof ClusterSpec> {
  return {
    name: CORRAL_CLUSTER,
    nodes: NODES,
    ...SHAPE,
    nics: [benchNic(CORRAL_FIRST_OCTET, CORRAL_POOL_SIZE)],
    image: LAB_BASE_VOLUME,
    placement: { kind: 'round-robin' },
    sshAuthorizedKeys: [userKey],
    console: { kind: 'autologin' },
  };
}
