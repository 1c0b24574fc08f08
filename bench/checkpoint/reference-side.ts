import { hostVirsh } from '../../test/lab/guest';
import type { LabHost } from '../../test/lab/state';

/** A node as the reference script reaches it: virsh on its host. */
export interface ReferenceNode {
  name: string;
  host: LabHost;
}

/** What one pass of the reference took: wall time and each node's pause. */
export interface ReferenceRun {
  seconds: number;
  pausesMs: number[];
}

const virsh = (n: ReferenceNode, ...args: string[]) => hostVirsh(n.host, args);

/**
 * What a person with virsh does to checkpoint a cluster: for each node, one after another,
 * suspend, take an internal snapshot with memory (the read-only seed disk left out, as libvirt
 * requires), resume. virsh runs on each node's own host, which is as fast as virsh gets.
 */
export async function referenceCreate(
  nodes: readonly ReferenceNode[],
  name: string,
): Promise<ReferenceRun> {
  const t0 = performance.now();
  const pausesMs: number[] = [];
  for (const n of nodes) {
    await virsh(n, 'suspend', n.name);
    const paused = performance.now();
    await virsh(
      n,
      'snapshot-create-as',
      n.name,
      name,
      '--memspec',
      'snapshot=internal',
      '--diskspec',
      'vda,snapshot=internal',
      '--diskspec',
      'vdb,snapshot=no',
    );
    await virsh(n, 'resume', n.name);
    pausesMs.push(performance.now() - paused);
  }
  return { seconds: (performance.now() - t0) / 1000, pausesMs };
}

/**
 * The same person reverting: for each node, one after another, revert to the snapshot paused,
 * resume, and set the guest clock from the host (`domtime --now`, through the guest agent).
 */
export async function referenceRevert(
  nodes: readonly ReferenceNode[],
  name: string,
): Promise<ReferenceRun> {
  const t0 = performance.now();
  const pausesMs: number[] = [];
  for (const n of nodes) {
    await virsh(n, 'snapshot-revert', n.name, name, '--paused');
    const paused = performance.now();
    await virsh(n, 'resume', n.name);
    pausesMs.push(performance.now() - paused);
    await virsh(n, 'domtime', n.name, '--now');
  }
  return { seconds: (performance.now() - t0) / 1000, pausesMs };
}

/** Deletes the reference's snapshot from every node (a node without it is fine). */
export async function referenceDelete(
  nodes: readonly ReferenceNode[],
  name: string,
): Promise<void> {
  for (const n of nodes) await virsh(n, 'snapshot-delete', n.name, name).catch(() => undefined);
}
