import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ByteStream } from '../../../api/byte-stream';
import { createClient, type ClientConnection } from '../../../api/client';
import { corralApi, type CorralApi } from '../../../api/corral-api';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import { RunSpec, type Job, type JobOutputRecord } from '../../../api/jobs-api';
import { CorralCore } from '../../../core/corral-core';
import { JobStore } from '../../../core/jobs/job-store';
import { serveCorral } from '../../../core/serve-corral';

/**
 * A finished job's history outlives its task: written by an earlier Corral into the data folder,
 * it is served through the contract (the owner gate finds its owner in the job's own record),
 * its output replayed exactly by `watch` and downloaded by `output` (both answer their open
 * before any byte flows), and only its owner sees it.
 */
let dataDir: string;
let core: CorralCore;
const clients: ClientConnection<CorralApi>[] = [];

function session(id: string): ClientConnection<CorralApi>['api'] {
  const [serverEnd, clientEnd] = createInMemoryPair();
  serveCorral(core, serverEnd, { sessionId: id });
  const c = createClient(corralApi, clientEnd);
  clients.push(c);
  return c.api;
}

function readAll(stream: ByteStream): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  stream.onData((b) => void chunks.push(b));
  return new Promise((resolve, reject) =>
    stream.onEnd((e) => (e ? reject(e) : resolve(Buffer.concat(chunks)))),
  );
}

const big = Buffer.alloc(200_000, 'x');

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'corral-job-history-'));
  // An admin first, then the job's owner: their ids are needed for the record.
  core = new CorralCore({ dataDir, shell: 'test', hosts: { localHost: false, localProbeMs: 0 } });
  const admin = session('admin');
  await admin.accounts.signUp({ username: 'jhadmin', password: 'job-history-password' });
  const alice = session('alice');
  await alice.accounts.signUp({ username: 'jhalice', password: 'job-history-password' });
  const me = await alice.accounts.me({});
  core.dispose();
  const store = new JobStore(join(dataDir, 'jobs'));
  const job: Job = {
    id: 'job-1',
    cluster: 'c1',
    ownerId: me.user!.id,
    program: {
      programId: 'p',
      name: 'hello.c',
      kind: 'c',
      files: ['hello.c'],
      sizeBytes: 1,
      sha256: 's',
    },
    run: RunSpec.parse({}),
    status: 'succeeded',
    build: { diagnostics: [] },
    ranks: [],
    outputLimitBytes: 1 << 20,
    startedAt: '2026-01-01T00:00:00Z',
  };
  store.put(job);
  store.append('job-1', 'build', Buffer.from('$ mpicc hello.c\n'), 1 << 20);
  store.append('job-1', 'r0.stdout', big, 1 << 20);
  store.append('job-1', 'r1.stderr', Buffer.from([0, 255, 10]), 1 << 20);
  core = new CorralCore({ dataDir, shell: 'test', hosts: { localHost: false, localProbeMs: 0 } });
  await session('alice2').accounts.logIn({ username: 'jhalice', password: 'job-history-password' });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
  core.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('job history served after a restart', () => {
  it('watch replays build and rank output exactly, then live, then end', async () => {
    const api = clients.at(-1)!.api;
    const text = (await readAll(await api.jobs.watch({ id: 'job-1' }))).toString('utf8');
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JobOutputRecord);
    expect(records.at(-2)).toEqual({ t: 'live' });
    expect(records.at(-1)).toEqual({ t: 'end', status: 'succeeded' });
    const of = (pick: (r: JobOutputRecord) => boolean) =>
      Buffer.concat(
        records.filter(pick).map((r) => Buffer.from('data' in r ? r.data : '', 'base64')),
      );
    expect(of((r) => r.t === 'build').toString()).toBe('$ mpicc hello.c\n');
    expect(of((r) => r.t === 'rank' && r.rank === 0 && r.fd === 'stdout')).toEqual(big);
    expect(of((r) => r.t === 'rank' && r.rank === 1 && r.fd === 'stderr')).toEqual(
      Buffer.from([0, 255, 10]),
    );
  });

  it("output downloads one rank's stream as raw bytes", async () => {
    const api = clients.at(-1)!.api;
    expect(await readAll(await api.jobs.output({ id: 'job-1', rank: 0, fd: 'stdout' }))).toEqual(
      big,
    );
    expect(await readAll(await api.jobs.output({ id: 'job-1', rank: 1, fd: 'stdout' }))).toEqual(
      Buffer.alloc(0),
    );
  });

  it('the owner reads and removes it; another user is told it does not exist', async () => {
    const alice = clients.at(-1)!.api;
    const bob = session('bob');
    await bob.accounts.signUp({ username: 'jhbob', password: 'job-history-password' });
    expect((await alice.jobs.get({ id: 'job-1' })).status).toBe('succeeded');
    await expect(bob.jobs.get({ id: 'job-1' })).rejects.toThrow(/does not exist or is not yours/);
    await expect(bob.jobs.remove({ id: 'job-1' })).rejects.toThrow(
      /does not exist or is not yours/,
    );
    await alice.jobs.remove({ id: 'job-1' });
    await expect(alice.jobs.get({ id: 'job-1' })).rejects.toThrow(/does not exist/);
  });
});
