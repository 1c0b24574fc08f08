import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTFILE_PATH } from '../../core/clusters/cluster-naming';
import { run } from '../../test/lab/exec';
import { labMpirunArgv } from '../../test/lab/mpirun-argv';
import { shellQuote } from '../../test/lab/exec';
import type { LabState } from '../../test/lab/state';

/** A node as the reference reaches it: plain ssh/scp with the lab key and the node's host key. */
export interface RefNode {
  name: string;
  address: string;
}

/** ssh/scp options trusting exactly the nodes' seeded host keys. */
export function sshOptions(
  lab: LabState,
  work: string,
  keys: Map<string, string>,
  nodes: RefNode[],
) {
  const knownHosts = join(work, 'nodes-known-hosts');
  writeFileSync(knownHosts, nodes.map((n) => `${n.address} ${keys.get(n.name)}\n`).join(''));
  return [
    '-i',
    lab.sshKey,
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
  ];
}

const ssh = (opts: string[], node: RefNode, argv: string[]) =>
  run('ssh', [...opts, `root@${node.address}`, '--', shellQuote(argv)]);

/**
 * What a person does by hand: scp the source to the first node, mpicc there, fetch the binary
 * and scp it to every other node, then mpirun over the cluster's hostfile. Resolves with the
 * seconds from the first scp to mpirun's end.
 */
export async function referenceDropToDone(
  opts: string[],
  nodes: RefNode[],
  source: string,
  work: string,
  np: number,
): Promise<number> {
  const [first, ...others] = nodes as [RefNode, ...RefNode[]];
  const dir = `/var/tmp/bench-ref-${process.pid}`;
  const t0 = performance.now();
  await ssh(opts, first, ['mkdir', '-p', dir]);
  await run('scp', [...opts, '-q', source, `root@${first.address}:${dir}/hello.c`]);
  await ssh(opts, first, ['mpicc', '-O2', '-o', `${dir}/hello`, `${dir}/hello.c`]);
  const local = join(work, 'hello');
  await run('scp', [...opts, '-q', `root@${first.address}:${dir}/hello`, local]);
  await Promise.all(
    others.map(async (n) => {
      await ssh(opts, n, ['mkdir', '-p', dir]);
      await run('scp', [...opts, '-q', local, `root@${n.address}:${dir}/hello`]);
    }),
  );
  await ssh(
    opts,
    first,
    labMpirunArgv(['--hostfile', HOSTFILE_PATH], np, [`${dir}/hello`, 'hello']),
  );
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(nodes.map((n) => ssh(opts, n, ['rm', '-rf', dir])));
  return seconds;
}

/**
 * mpirun's own stdout read over ssh: runs the stamp mode of `binary` (already on every node at
 * the same path) and calls `onLine` with each line as it arrives here.
 */
export function referenceStampRun(
  opts: string[],
  first: RefNode,
  binary: string,
  np: number,
  lines: number,
  onLine: (line: string, at: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const argv = labMpirunArgv(['--hostfile', HOSTFILE_PATH], np, [binary, 'stamp', String(lines)]);
    const child = spawn('ssh', [...opts, `root@${first.address}`, '--', shellQuote(argv)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      const at = Date.now() * 1000;
      text += d.toString('utf8');
      const parts = text.split('\n');
      text = parts.pop()!;
      for (const l of parts) onLine(l, at);
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mpirun: ${code}`))));
  });
}

/** Each node's clock minus this machine's (µs), NTP-style from an ssh round trip. */
export async function clockOffsetUs(opts: string[], node: RefNode): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now() * 1000;
    const { stdout } = await ssh(opts, node, ['date', '+%s%N']);
    const t1 = Date.now() * 1000;
    const remote = Number(BigInt(stdout.trim()) / 1000n);
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2 };
  }
  return best.offset;
}
