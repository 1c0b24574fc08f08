import { createHash } from 'node:crypto';

/**
 * Names of everything a cluster node is made of, in one place (the images engineer and the bench
 * rely on them): domain and guest host name `<cluster>-<index>`, overlay `<cluster>-<index>.qcow2`
 * and seed `<cluster>-<index>-seed.iso` in the base image's pool.
 */
export function nodeName(cluster: string, index: number): string {
  return `${cluster}-${index}`;
}

/** The node's linked clone (qcow2 overlay on the base image). */
export function overlayVolumeName(cluster: string, index: number): string {
  return `${nodeName(cluster, index)}.qcow2`;
}

/** The node's NoCloud `cidata` seed volume. */
export function seedVolumeName(cluster: string, index: number): string {
  return `${nodeName(cluster, index)}-seed.iso`;
}

/** Where the MPI hostfile lands on every node. */
export const HOSTFILE_PATH = '/etc/corral/hostfile';

/**
 * A stable, locally administered MAC for NIC `nic` of node `index` (QEMU's 52:54:00 prefix):
 * the same node always gets the same MAC, so a resumed creation rebuilds identical XML.
 */
export function nodeMac(cluster: string, index: number, nic: number): string {
  const h = createHash('sha256').update(`${cluster}\0${index}\0${nic}`).digest();
  const tail = [h[0], h[1], h[2]].map((b) => (b ?? 0).toString(16).padStart(2, '0'));
  return `52:54:00:${tail.join(':')}`;
}
