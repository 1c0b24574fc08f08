import { execFile } from 'node:child_process';

/** A node as the reference reaches it: virsh on this machine, over libvirt's SSH transport. */
export interface ReferenceNode {
  name: string;
  /** `qemu+ssh://` URI of the node's host (bench/topology's virshSshUri). */
  uri: string;
}

/** What one pass of the reference took: wall time and each node's pause. */
export interface ReferenceRun {
  seconds: number;
  pausesMs: number[];
}

/** One virsh command, as a person types it, with the environment that checks host keys. */
function virsh(env: NodeJS.ProcessEnv, n: ReferenceNode, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('virsh', ['-q', '-c', n.uri, ...args], { env }, (err, _stdout, stderr) =>
      err ? reject(new Error(`virsh ${args.join(' ')}: ${stderr || err.message}`)) : resolve(),
    ),
  );
}

/**
 * What a person with virsh does to checkpoint a cluster from their desk: for each node, one
 * after another, suspend, take an internal snapshot with memory (the read-only seed disk left
 * out, as libvirt requires), resume.
 */
export async function referenceCreate(
  env: NodeJS.ProcessEnv,
  nodes: readonly ReferenceNode[],
  name: string,
): Promise<ReferenceRun> {
  const t0 = performance.now();
  const pausesMs: number[] = [];
  for (const n of nodes) {
    await virsh(env, n, 'suspend', n.name);
    const paused = performance.now();
    await virsh(
      env,
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
    await virsh(env, n, 'resume', n.name);
    pausesMs.push(performance.now() - paused);
  }
  return { seconds: (performance.now() - t0) / 1000, pausesMs };
}

/**
 * The same person reverting: for each node, one after another, revert to the snapshot paused,
 * resume, and set the guest clock (`domtime --now`, through the guest agent).
 */
export async function referenceRevert(
  env: NodeJS.ProcessEnv,
  nodes: readonly ReferenceNode[],
  name: string,
): Promise<ReferenceRun> {
  const t0 = performance.now();
  const pausesMs: number[] = [];
  for (const n of nodes) {
    await virsh(env, n, 'snapshot-revert', n.name, name, '--paused');
    const paused = performance.now();
    await virsh(env, n, 'resume', n.name);
    pausesMs.push(performance.now() - paused);
    await virsh(env, n, 'domtime', n.name, '--now');
  }
  return { seconds: (performance.now() - t0) / 1000, pausesMs };
}

/** Deletes the reference's snapshot from every node (a node without it is fine). */
export async function referenceDelete(
  env: NodeJS.ProcessEnv,
  nodes: readonly ReferenceNode[],
  name: string,
): Promise<void> {
  for (const n of nodes)
    await virsh(env, n, 'snapshot-delete', n.name, name).catch(() => undefined);
}
