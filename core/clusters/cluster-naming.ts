import { createHash } from 'node:crypto';

/**
 * Names of everything a cluster node is made of, in one place (the images engineer and the bench
 * rely on them): domain and guest host name `<cluster>-<index>`, overlay
 * `<cluster>-<index>-<tag>.qcow2` and seed `<cluster>-<index>-<tag>-seed.iso` in the base image's
 * pool, where `<tag>` comes from the operation that made the node. The tag keeps a later node of
 * the same name (another user's, after this one is gone) from ever sharing a volume name with
 * this one, so removing "this operation's volumes" by name cannot reach someone else's.
 * Nodes made before the tag existed have untagged names.
 */
export function nodeName(cluster: string, index: number): string {
  return `${cluster}-${index}`;
}

/** The operation-unique part of a volume name: the first 8 hex digits of the operation's id. */
export function operationTag(operationId: string): string {
  const hex = operationId
    .replace(/^op-/, '')
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase();
  if (hex.length < 8) throw new Error(`operation id ${operationId} is too short for a tag`);
  return hex.slice(0, 8);
}

/** The node's linked clone (qcow2 overlay on the base image); untagged for legacy nodes. */
export function overlayVolumeName(cluster: string, index: number, tag?: string): string {
  return `${nodeName(cluster, index)}${tag ? `-${tag}` : ''}.qcow2`;
}

/** The node's NoCloud `cidata` seed volume; untagged for legacy nodes. */
export function seedVolumeName(cluster: string, index: number, tag?: string): string {
  return `${nodeName(cluster, index)}${tag ? `-${tag}` : ''}-seed.iso`;
}

/** Both volume names of node `index` made by operation `operationId`. */
export function nodeVolumeNames(
  cluster: string,
  index: number,
  operationId: string,
): { overlay: string; seed: string } {
  const tag = operationTag(operationId);
  return {
    overlay: overlayVolumeName(cluster, index, tag),
    seed: seedVolumeName(cluster, index, tag),
  };
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
