/**
 * bench/mpi: one 3-node cluster on the 2 lab hosts, the real server (server/main.ts) as Corral,
 * and a reference doing by hand what Corral does, same cluster, same run:
 *   (a) drop to finished output of a hello world at np = nodes: Corral (jobs.upload + jobs.start,
 *       until the job's end arrives on its watch stream) vs scp the source to a node, mpicc, scp
 *       the binary to every node, mpirun over the hostfile;
 *   (b) every rank prints a timestamped line every 100 ms: how late each line reaches Corral's
 *       watch stream vs mpirun's own stdout read over ssh (node clocks corrected by an ssh
 *       round-trip estimate of their offset).
 * Prints
 *   mpi-drop-to-done: corral=<s> reference=<s> ratio=<reference/corral>
 *   mpi-line-latency p95: corral=<ms> reference=<ms>
 *
 * Run: npm run bench:mpi (root; brings the lab up if it is down and takes it down after).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteStream } from '../../api/byte-stream';
import type { JobOutputRecord, Program } from '../../api/jobs-api';
import { registerBaseImage } from '../../test/lab/base-image-volumes';
import {
  allowLabClusters,
  cleanLab,
  labFingerprint,
  nodeHostKey,
  until,
} from '../../test/lab/clusters-support';
import { run, shellQuote } from '../../test/lab/exec';
import { serveCorral, stopServer, type ServedCorral } from '../../test/lab/server-contract';
import { LAB_BASE_VOLUME } from '../../test/lab/base-image-volumes';
import { benchNic, SHAPE } from '../cluster/bench-shape';
import { log, useLab, waitForGuestRoom } from '../topology/lab-access';
import { quantile } from '../topology/stats';
import {
  clockOffsetUs,
  referenceDropToDone,
  referenceStampRun,
  sshOptions,
  type RefNode,
} from './reference-side';

const PREFIX = 'j1bbench-';
const CLUSTER = `${PREFIX}mpi`;
const NODES = 3;
const STAMP_LINES = 50;
const SOURCE = join(import.meta.dirname, '../../test/lab/fixtures/mpi-modes.c');

function ndjson(
  stream: ByteStream,
  onRecord: (r: JobOutputRecord, at: number) => void,
): Promise<void> {
  let text = '';
  const decoder = new TextDecoder();
  stream.onData((bytes) => {
    const at = Date.now() * 1000;
    text += decoder.decode(bytes, { stream: true });
    const lines = text.split('\n');
    text = lines.pop()!;
    for (const l of lines) onRecord(JSON.parse(l) as JobOutputRecord, at);
  });
  return new Promise((resolve, reject) => stream.onEnd((e) => (e ? reject(e) : resolve())));
}

async function main(): Promise<void> {
  const lab = await useLab();
  const state = lab.state;
  const work = mkdtempSync(join(tmpdir(), 'corral-bench-mpi-'));
  let served: ServedCorral | undefined;
  try {
    await cleanLab(state, PREFIX);
    for (const h of state.hosts) await registerBaseImage(h, state.image);
    served = await serveCorral(join(work, 'data'));
    const api = served.api;
    await api.accounts.signUp({ username: 'benchmpi', password: 'bench-mpi-password' });
    const ids: string[] = [];
    for (const h of state.hosts) {
      const view = await api.hosts.add({
        name: h.name,
        address: h.address,
        port: h.sshPort,
        user: h.user,
        auth: { kind: 'key', keyPath: state.sshKey },
      });
      await until(`host ${h.name} to present its key`, 30_000, async () => {
        const s = (await api.hosts.list({})).find((v) => v.id === view.id)?.status;
        return s?.state === 'key-unknown' || s?.state === 'online';
      });
      await api.hosts.trustKey({ id: view.id, fingerprint: labFingerprint(state, h.address) });
      ids.push(view.id);
    }
    await until('the lab hosts online', 120_000, async () => {
      const facts = (await api.inventory.snapshot({})).hosts;
      return ids.every((id) => facts.some((f) => f.hostId === id && !f.stale && f.cpus > 0));
    });
    await allowLabClusters(api, ids);
    await waitForGuestRoom(state, NODES);
    const op = await api.clusters.create({
      name: CLUSTER,
      nodes: NODES,
      ...SHAPE,
      nics: [benchNic(220, 4)],
      image: LAB_BASE_VOLUME,
      placement: { kind: 'round-robin' },
      sshAuthorizedKeys: [state.sshPublicKey],
    } as never);
    const made = await until(
      'the cluster',
      900_000,
      async () => {
        const o = (await api.operations.list({})).find((x) => x.id === op.id);
        return o && !['running', 'queued'].includes(o.status) && o;
      },
      1_000,
    );
    if (made.status !== 'succeeded') throw new Error(`cluster: ${made.status} ${made.error ?? ''}`);
    const cluster = (await api.clusters.list({})).find((c) => c.name === CLUSTER)!;
    const keys = new Map<string, string>();
    for (const n of cluster.nodes) {
      keys.set(n.name, await nodeHostKey(state.hosts[ids.indexOf(n.hostId)]!, n.name));
    }
    const nodes: RefNode[] = cluster.nodes.map((n) => ({ name: n.name, address: n.addresses[0]! }));
    const opts = sshOptions(state, work, keys, nodes);
    log(`cluster up: ${cluster.nodes.map((n) => `${n.name}@${n.hostId}`).join(', ')}`);

    // (a) drop to done.
    const bytes = readFileSync(SOURCE);
    const t0 = performance.now();
    const up = await api.jobs.upload({
      cluster: CLUSTER,
      files: [{ path: 'hello.c', sizeBytes: bytes.length }],
    });
    let program: Program | undefined;
    const upDone = new Promise<void>((resolve, reject) => {
      let text = '';
      up.onData((b) => {
        text += Buffer.from(b).toString('utf8');
        for (const l of text.split('\n').slice(0, -1)) {
          program = (JSON.parse(l) as { program?: Program }).program ?? program;
        }
      });
      up.onEnd((e) => (e ? reject(e) : resolve()));
    });
    await up.write(bytes);
    up.end();
    await upDone;
    const job = await api.jobs.start({
      cluster: CLUSTER,
      programId: program!.programId,
      run: { ranks: NODES, args: ['hello'] } as never,
    });
    let status = '';
    await ndjson(await api.jobs.watch({ id: job.id }), (r) => {
      if (r.t === 'end') status = r.status;
    });
    const corralDrop = (performance.now() - t0) / 1000;
    if (status !== 'succeeded') throw new Error(`corral's hello job: ${status}`);
    // Where Corral's time went: the job's start (checks done) and each step's span.
    const wall0 = Date.now() - corralDrop * 1000;
    const since = (iso: string | undefined) =>
      iso ? `${((Date.parse(iso) - wall0) / 1000).toFixed(2)}` : '?';
    const task = await api.tasks.get({ id: job.id });
    const ended = await api.jobs.get({ id: job.id });
    log(
      `corral phases (s from the drop): task start ${since(task.startedAt)}, ` +
        task.steps.map((st) => `${st.id} ${since(st.startedAt)}-${since(st.endedAt)}`).join(', ') +
        `, job ended ${since(ended.endedAt)}`,
    );
    const refDrop = await referenceDropToDone(opts, nodes, SOURCE, work, NODES);
    console.log(
      `mpi-drop-to-done: corral=${corralDrop.toFixed(2)} reference=${refDrop.toFixed(2)} ratio=${(refDrop / corralDrop).toFixed(2)}`,
    );

    // (b) line latency, node clocks corrected.
    const offsets = new Map<string, number>();
    for (const n of nodes) offsets.set(n.name, await clockOffsetUs(opts, n));
    log(
      `node clock offsets (ms): ${[...offsets].map(([n, o]) => `${n} ${(o / 1000).toFixed(1)}`).join(', ')}`,
    );
    const rankNode = new Map<number, string>();
    const latency = (line: string, at: number, node: string | undefined, into: number[]) => {
      const m = /^rank (\d+) seq \d+ t=(\d+)$/.exec(line);
      if (!m || node === undefined) return;
      into.push((at - (Number(m[2]) - offsets.get(node)!)) / 1000);
    };
    const corralLat: number[] = [];
    const stampJob = await api.jobs.start({
      cluster: CLUSTER,
      programId: program!.programId,
      run: { ranks: NODES, args: ['stamp', String(STAMP_LINES)] } as never,
    });
    const partial = new Map<number, string>();
    const pendingLines: Array<{ rank: number; line: string; at: number }> = [];
    await ndjson(await api.jobs.watch({ id: stampJob.id }), (r, at) => {
      if (r.t !== 'rank' || r.fd !== 'stdout') return;
      const text = (partial.get(r.rank) ?? '') + Buffer.from(r.data, 'base64').toString('utf8');
      const parts = text.split('\n');
      partial.set(r.rank, parts.pop()!);
      for (const line of parts) pendingLines.push({ rank: r.rank, line, at });
    });
    const finished = await api.jobs.get({ id: stampJob.id });
    for (const r of finished.ranks) rankNode.set(r.rank, r.node);
    for (const p of pendingLines) latency(p.line, p.at, rankNode.get(p.rank), corralLat);
    // The reference builds its own binary on the first node and copies it to the others.
    const binary = '/var/tmp/bench-ref-bin';
    const firstNode = nodes[0]!;
    const refLat: number[] = [];
    const local = join(work, 'hello-bin');
    await run(
      'ssh',
      [
        ...opts,
        `root@${firstNode.address}`,
        '--',
        shellQuote(['mpicc', '-O2', '-o', binary, '-x', 'c', '-']),
      ],
      {
        input: bytes,
      },
    );
    await run('scp', [...opts, '-q', `root@${firstNode.address}:${binary}`, local]);
    for (const n of nodes.slice(1))
      await run('scp', [...opts, '-q', local, `root@${n.address}:${binary}`]);
    // The rank's node comes from the line's rank and the hostfile's order (one slot per node).
    await referenceStampRun(opts, firstNode, binary, NODES, STAMP_LINES, (line, at) => {
      const rank = Number(/^rank (\d+)/.exec(line)?.[1]);
      latency(line, at, nodes[rank]?.name, refLat);
    });
    for (const n of nodes)
      await run('ssh', [...opts, `root@${n.address}`, '--', shellQuote(['rm', '-f', binary])]);
    log(`lines measured: corral ${corralLat.length}, reference ${refLat.length}`);
    console.log(
      `mpi-line-latency p95: corral=${quantile(corralLat, 0.95).toFixed(1)} reference=${quantile(refLat, 0.95).toFixed(1)}`,
    );
  } finally {
    await stopServer(served, 'SIGTERM');
    await cleanLab(state, PREFIX).catch((err: unknown) => log(`cleanup: ${String(err)}`));
    rmSync(work, { recursive: true, force: true });
    await lab.release();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
