import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ByteStream } from '../../api/byte-stream';
import type { Cluster } from '../../api/clusters-api';
import type { Job, JobOutputRecord, Program } from '../../api/jobs-api';
import { registerBaseImage } from './base-image-volumes';
import {
  allowLabClusters,
  cleanLab,
  labClusterSpec,
  labFingerprint,
  nodeHostKey,
  nodeSsh,
  until,
  waitForRoom,
} from './clusters-support';
import { currentLab } from './lab-fixture';
import { serveCorral, stopServer, type ServedCorral } from './server-contract';
import type { LabState } from './state';

/**
 * MPI jobs through the real server on one 3-node cluster over the 2 lab hosts (1 vCPU each, so
 * 3 slots): a C program uploaded once, built and run in several modes. Per-rank output is read
 * back through the contract (watch and download) and compared byte for byte; what runs on the
 * nodes is read with ps over SSH, not through Corral.
 */
const PREFIX = 'j1bmpi';
const CLUSTER = `${PREFIX}-c`;
const USER = { username: 'j1badmin', password: 'mpi-jobs-password' };
const SOURCE = readFileSync(join(import.meta.dirname, 'fixtures', 'mpi-modes.c'));

let lab: LabState;
let dataDir: string;
let served: ServedCorral | undefined;
let program: Program;
let nodes: Cluster['nodes'] = [];
const hostKeys = new Map<string, string>();

type Api = ServedCorral['api'];
const api = (): Api => served!.api;

async function start(first = false): Promise<Api> {
  served = await serveCorral(dataDir);
  if (first) await served.api.accounts.signUp(USER);
  else await served.api.accounts.logIn(USER);
  return served.api;
}

/** Every line of a newline-delimited JSON stream until it ends. */
function ndjson<T>(stream: ByteStream, onRecord?: (r: T) => void): Promise<T[]> {
  const records: T[] = [];
  let text = '';
  const decoder = new TextDecoder();
  stream.onData((bytes) => {
    text += decoder.decode(bytes, { stream: true });
    const lines = text.split('\n');
    text = lines.pop()!;
    for (const line of lines) {
      const r = JSON.parse(line) as T;
      records.push(r);
      onRecord?.(r);
    }
  });
  return new Promise((resolve, reject) =>
    stream.onEnd((error) => (error ? reject(error) : resolve(records))),
  );
}

async function upload(name: string, bytes: Buffer): Promise<Program> {
  const stream = await api().jobs.upload({
    cluster: CLUSTER,
    files: [{ path: name, sizeBytes: bytes.length }],
  });
  const lines = ndjson<{ received: number; program?: Program }>(stream);
  await stream.write(bytes);
  stream.end();
  const last = (await lines).at(-1);
  if (!last?.program) throw new Error('the upload named no program');
  return last.program;
}

/** A job's watch stream to its end: every rank's stdout and stderr as received. */
async function watchToEnd(id: string, onRecord?: (r: JobOutputRecord) => void) {
  const stream = await api().jobs.watch({ id });
  const records = await ndjson<JobOutputRecord>(stream, onRecord);
  const out = new Map<string, Buffer>();
  for (const r of records) {
    if (r.t !== 'rank') continue;
    const key = `${r.rank}.${r.fd}`;
    out.set(key, Buffer.concat([out.get(key) ?? Buffer.alloc(0), Buffer.from(r.data, 'base64')]));
  }
  return { records, out };
}

async function download(id: string, rank: number, fd: 'stdout' | 'stderr'): Promise<string> {
  const stream = await api().jobs.output({ id, rank, fd });
  const chunks: Uint8Array[] = [];
  stream.onData((b) => void chunks.push(b));
  await new Promise<void>((resolve, reject) => stream.onEnd((e) => (e ? reject(e) : resolve())));
  return Buffer.concat(chunks).toString('utf8');
}

async function ended(id: string): Promise<Job> {
  return until(
    `job ${id} to end`,
    300_000,
    async () => {
      const job = await api().jobs.get({ id });
      return ['succeeded', 'failed', 'cancelled'].includes(job.status) && job;
    },
    500,
  );
}

/** Processes of a job on a node, as ps lists them (anything naming its folder or the program). */
async function jobProcesses(node: Cluster['nodes'][number], id: string): Promise<string[]> {
  const r = await nodeSsh(lab, dataDir, node.addresses[0]!, hostKeys.get(node.name)!, [
    'ps',
    '-eo',
    'pid,args',
  ]);
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(`corral-jobs/${id}`) || /\bmpi-modes\b/.test(l));
}

describe('MPI jobs on a lab cluster, through the server', () => {
  beforeAll(async () => {
    lab = currentLab();
    await cleanLab(lab, PREFIX);
    for (const h of lab.hosts) await registerBaseImage(h, lab.image);
    dataDir = mkdtempSync(join(tmpdir(), 'corral-mpi-jobs-'));
    await start(true);
    const ids: string[] = [];
    for (const h of lab.hosts) {
      const view = await api().hosts.add({
        name: h.name,
        address: h.address,
        port: h.sshPort,
        user: h.user,
        auth: { kind: 'key', keyPath: lab.sshKey },
      });
      await until(`host ${h.name} to present its key`, 30_000, async () => {
        const s = (await api().hosts.list({})).find((v) => v.id === view.id)?.status;
        return s?.state === 'key-unknown' || s?.state === 'online';
      });
      await api().hosts.trustKey({ id: view.id, fingerprint: labFingerprint(lab, h.address) });
      ids.push(view.id);
    }
    await until('the lab hosts online with facts', 120_000, async () => {
      const facts = (await api().inventory.snapshot({})).hosts;
      return ids.every((id) => facts.some((f) => f.hostId === id && !f.stale && f.cpus > 0));
    });
    await allowLabClusters(api(), ids);
    await waitForRoom(lab, 3);
    const spec = labClusterSpec(lab, CLUSTER, 3, { first: '10.213.0.204', last: '10.213.0.209' });
    const op = await api().clusters.create(spec);
    const done = await until(
      'the cluster to be made',
      900_000,
      async () => {
        const o = (await api().operations.list({})).find((x) => x.id === op.id);
        return o && ['succeeded', 'failed', 'cancelled', 'rolled-back'].includes(o.status) && o;
      },
      1_000,
    );
    if (done.status !== 'succeeded') throw new Error(`cluster: ${done.status} ${done.error ?? ''}`);
    const cluster = await until('the cluster listed with 3 nodes', 60_000, async () =>
      (await api().clusters.list({})).find((c) => c.name === CLUSTER && c.nodes.length === 3),
    );
    nodes = cluster.nodes;
    expect(new Set(nodes.map((n) => n.hostId)).size).toBe(2);
    for (const n of nodes) {
      const host = lab.hosts[ids.indexOf(n.hostId)]!;
      hostKeys.set(n.name, await nodeHostKey(host, n.name));
    }
    program = await upload('mpi-modes.c', SOURCE);
  }, 1_200_000);

  afterAll(async () => {
    await stopServer(served, 'SIGTERM');
    if (lab) await cleanLab(lab, PREFIX);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('refuses more ranks than the hostfile has slots, naming them, before anything runs', async () => {
    const before = (await api().jobs.list({ cluster: CLUSTER })).length;
    await expect(
      api().jobs.start({
        cluster: CLUSTER,
        programId: program.programId,
        run: { ranks: 4, args: ['hello'] } as never,
      }),
    ).rejects.toThrow(/4 ranks need more than the cluster's 3 slots/);
    expect(await api().jobs.list({ cluster: CLUSTER })).toHaveLength(before);
  });

  it("np 4 oversubscribed: each rank's stdout holds exactly its line, stderr apart", async () => {
    const job = await api().jobs.start({
      cluster: CLUSTER,
      programId: program.programId,
      run: { ranks: 4, oversubscribe: true, args: ['hello'] } as never,
    });
    const { out, records } = await watchToEnd(job.id);
    const done = await ended(job.id);
    expect(done.status, done.reason ?? done.firstFailure).toBe('succeeded');
    expect(records.some((r) => r.t === 'build')).toBe(true);
    expect(records.findIndex((r) => r.t === 'live')).toBeGreaterThan(-1);
    expect(records.at(-1)).toEqual({ t: 'end', status: 'succeeded' });
    const names = new Set(nodes.map((n) => n.name));
    for (let rank = 0; rank < 4; rank++) {
      const stdout = out.get(`${rank}.stdout`)?.toString() ?? '';
      const m = /^rank (\d) of 4 on (\S+)\n$/.exec(stdout);
      expect(m?.[1], `rank ${rank} stdout: ${JSON.stringify(stdout)}`).toBe(String(rank));
      expect(names.has(m![2]!)).toBe(true);
      expect(out.get(`${rank}.stderr`)?.toString()).toBe(`stderr line of rank ${rank} <&>\n`);
      expect(await download(job.id, rank, 'stdout')).toBe(stdout);
      const state = done.ranks[rank]!;
      expect(state).toMatchObject({ rank, status: 'exited', exitCode: 0, node: m![2] });
      expect(state.stdoutBytes).toBe(stdout.length);
    }
  });

  it('a line written in pieces across flushes arrives whole, escapes decoded', async () => {
    const job = await api().jobs.start({
      cluster: CLUSTER,
      programId: program.programId,
      run: { args: ['partial'] } as never,
    });
    const { out } = await watchToEnd(job.id);
    expect((await ended(job.id)).status).toBe('succeeded');
    for (let rank = 0; rank < 3; rank++) {
      expect(out.get(`${rank}.stdout`)?.toString()).toBe(
        `rank ${rank}: first half <a&b>, second half\nrank ${rank}: no newline at the end`,
      );
      expect(await download(job.id, rank, 'stdout')).toBe(out.get(`${rank}.stdout`)?.toString());
    }
  });

  it('an endless job cancelled: nothing of it is left on any node (ps)', async () => {
    const job = await api().jobs.start({
      cluster: CLUSTER,
      programId: program.programId,
      run: { args: ['endless'] } as never,
    });
    await until('every rank ticking', 180_000, async () => {
      const j = await api().jobs.get({ id: job.id });
      return j.ranks.length === 3 && j.ranks.every((r) => r.stdoutBytes > 0);
    });
    for (const n of nodes) expect((await jobProcesses(n, job.id)).length).toBeGreaterThan(0);
    await api().jobs.cancel({ id: job.id });
    const done = await ended(job.id);
    expect(done.status).toBe('cancelled');
    for (const n of nodes) expect(await jobProcesses(n, job.id)).toEqual([]);
    // Its task, a moment later, says the same.
    await until('the task cancelled', 30_000, async () => {
      return (await api().tasks.get({ id: job.id })).status === 'cancelled';
    });
  });

  it("the server killed mid-run and restarted: the job reattaches and every rank's output is complete", async () => {
    const lines = 60;
    const job = await api().jobs.start({
      cluster: CLUSTER,
      programId: program.programId,
      run: { args: ['ticker', String(lines)] } as never,
    });
    await until('a few lines of every rank', 180_000, async () => {
      const j = await api().jobs.get({ id: job.id });
      return j.ranks.length === 3 && j.ranks.every((r) => r.stdoutBytes > 20);
    });
    await stopServer(served, 'SIGKILL');
    await start();
    const { out } = await watchToEnd(job.id);
    const done = await ended(job.id);
    expect(done.status, done.reason).toBe('succeeded');
    const task = await api().tasks.get({ id: job.id });
    expect(task.log.map((l) => l.text)).toContain('Reattaching to mpirun');
    for (let rank = 0; rank < 3; rank++) {
      const want = Array.from({ length: lines }, (_, i) => `rank ${rank} line ${i}\n`).join('');
      expect(out.get(`${rank}.stdout`)?.toString()).toBe(want);
      expect(await download(job.id, rank, 'stdout')).toBe(want);
    }
  });
});
