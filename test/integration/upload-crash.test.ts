import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { createClient, type ClientConnection } from '../../api/client';
import { corralApi, type CorralApi } from '../../api/corral-api';
import type { UploadTarget } from '../../api/images-api';
import { el, renderXml } from '../../core/xml/xml-element';
import { connectUnixSocket, LibvirtClient, type PoolRef } from '../../native/libvirt';
import { WsTransport } from '../../server/ws-transport';
import { createTestPool, removeTestPool } from './support/test-pool';
import { spawnCorralServer } from '../support/corral-server-child';
import { waitUntil } from './support/wait';

/**
 * An upload whose server process dies (SIGKILL) mid-stream leaves a partial volume on the host;
 * the next start on the same data folder removes exactly that volume once the host is online,
 * and says so to the administrator. Real server process, real libvirtd, checked with libvirt.
 */
const tag = `corral-upcrash-${process.pid}`;
const poolDir = `/var/lib/libvirt/images/${tag}`;
const MiB = 1024 * 1024;
const ADMIN = { username: 'crash-admin', password: 'crash-password-1' };

interface Server {
  child: ChildProcess;
  api: ClientConnection<CorralApi>['api'];
  connection: ClientConnection<CorralApi>;
}

/** Starts `server/main.ts` on `dataDir` and signs in through its WebSocket, as a browser would. */
async function startServer(dataDir: string, first: boolean): Promise<Server> {
  const { child, url, token } = await spawnCorralServer(dataDir);
  const origin = new URL(url).origin;
  const res = await fetch(new URL('/api/session', url), {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const wsUrl = new URL('/api/ws', url);
  wsUrl.protocol = 'ws:';
  const ws = new WebSocket(wsUrl, { headers: { origin, cookie } });
  ws.binaryType = 'nodebuffer';
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  const connection = createClient(corralApi, new WsTransport(ws));
  const api = connection.api;
  await (first ? api.accounts.signUp(ADMIN) : api.accounts.logIn(ADMIN));
  return { child, api, connection };
}

function stop(server: Server | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!server) return Promise.resolve();
  server.connection.dispose();
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

describe('images: a partial upload volume left by a crash is removed at the next start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), `${tag}-`));
  let c: LibvirtClient;
  let pool: PoolRef;
  let server: Server | undefined;

  beforeAll(async () => {
    c = await LibvirtClient.connect(
      () => connectUnixSocket(inject('integrationEnv').libvirtSocket),
      {
        uri: 'qemu:///system',
      },
    );
    pool = await createTestPool(c, tag, poolDir);
  });

  afterAll(async () => {
    await stop(server, 'SIGTERM');
    if (c?.connection.isOpen) {
      await removeTestPool(c, pool, poolDir);
      await c.close();
    }
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const volumes = async () =>
    (await c.call('storagePoolListAllVolumes', { pool, needResults: true, flags: 0 })).vols;
  const target = (name: string): UploadTarget => ({
    hostId: 'local',
    pool: tag,
    name,
    format: 'raw',
    sizeBytes: 64 * MiB,
  });

  /** Opens an upload and sends `bytes`, waiting until the server reports them taken by libvirt. */
  async function startUpload(api: Server['api'], name: string, bytes: number): Promise<void> {
    const stream = await api.images.upload(target(name));
    let uploaded = 0;
    stream.onData((d) => {
      for (const line of new TextDecoder().decode(d).trim().split('\n'))
        uploaded = Math.max(uploaded, (JSON.parse(line) as { uploaded: number }).uploaded);
    });
    const data = randomBytes(bytes);
    for (let off = 0; off < bytes; off += 256 * 1024)
      await stream.write(data.subarray(off, off + 256 * 1024));
    await waitUntil(`the server to report ${name}'s bytes`, 30_000, () => uploaded >= bytes - MiB);
  }

  it('kills the server mid-upload, restarts it, and only the partial volume goes', async () => {
    server = await startServer(dataDir, true);
    const api = server.api;
    await waitUntil('the local host to list the test pool', 60_000, async () =>
      (await api.images.pools({})).some((p) => p.name === tag),
    );
    await startUpload(api, 'partial-a.img', 8 * MiB);
    await startUpload(api, 'partial-b.img', 4 * MiB);

    await stop(server, 'SIGKILL');
    server = undefined;
    const names = (await volumes()).map((v) => v.name).sort();
    expect(names).toEqual(['partial-a.img', 'partial-b.img']);
    expect(readFileSync(join(dataDir, 'uploads.jsonl'), 'utf8')).toContain('partial-a.img');

    // While Corral is down someone replaces partial-b.img with a volume of their own.
    const { vol: oldB } = await c.call('storageVolLookupByName', { pool, name: 'partial-b.img' });
    await c.call('storageVolDelete', { vol: oldB, flags: 0 });
    const ownXml = renderXml(
      el(
        'volume',
        {},
        el('name', {}, 'partial-b.img'),
        el('capacity', { unit: 'bytes' }, 3 * MiB),
        el('target', {}, el('format', { type: 'raw' })),
      ),
    );
    await c.call('storageVolCreateXml', { pool, xml: ownXml, flags: 0 });

    server = await startServer(dataDir, false);
    await waitUntil('the partial volume to be removed', 60_000, async () => {
      const left = (await volumes()).map((v) => v.name);
      return !left.includes('partial-a.img');
    });
    expect((await volumes()).map((v) => v.name)).toEqual(['partial-b.img']);

    const notices = await waitUntil('both notices', 30_000, async () => {
      const all = await server!.api.system.notices({});
      return all.length >= 2 ? all : undefined;
    });
    expect(notices.map((n) => n.message).sort()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Kept partial-b\\.img in pool ${tag} of host local: the upload started at .* but the volume there now was written since$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^Removed the partial volume partial-a\\.img in pool ${tag} of host local: the upload started at .* and was interrupted$`,
        ),
      ),
    ]);
    expect(notices.every((n) => n.source === 'images')).toBe(true);
    // Both uploads are in the Tasks tab, cut off by the crash, with nothing left to resume.
    const tasks = await server.api.tasks.list({ kind: 'image-upload' });
    expect(
      tasks.map((t) => [t.targets[0]?.kind === 'image' && t.targets[0].volume, t.status]).sort(),
    ).toEqual([
      ['partial-a.img', 'interrupted'],
      ['partial-b.img', 'interrupted'],
    ]);
    expect(tasks.every((t) => !t.actions.resume && !t.actions.rollback)).toBe(true);
    // Both entries are settled: a third start has nothing left to do.
    expect(readFileSync(join(dataDir, 'uploads.jsonl'), 'utf8')).toBe('');
  });
});
