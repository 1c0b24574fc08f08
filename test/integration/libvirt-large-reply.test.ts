import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { el, renderXml } from '../../core/xml/xml-element';
import { LibvirtClient, MESSAGE_MAX, connectUnixSocket, type PoolRef } from '../../native/libvirt';

/**
 * A real libvirtd made to send one reply of more than 20 MiB: a directory pool whose path is near
 * PATH_MAX holds 5000 files, and every volume in STORAGE_POOL_LIST_ALL_VOLUMES carries its full
 * path as its key (~4.2 KB each). Accepting it is what the message limit of libvirt allows.
 */
describe('a reply larger than 20 MiB from the real daemon', () => {
  const base = mkdtempSync(join(tmpdir(), 'corral-big-'));
  // 15 components of 250 characters: a pool path of ~3.8 KB, files named ~200 characters.
  const dir = join(base, ...Array.from({ length: 15 }, (_, i) => `${i}`.padEnd(250, 'd')));
  const files = 5000;
  let client: LibvirtClient | undefined;
  let pool: PoolRef | undefined;

  afterAll(async () => {
    if (client && pool) await client.call('storagePoolDestroy', { pool }).catch(() => {});
    await client?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('lists 5000 volumes in one reply, then answers the next call on the same connection', async () => {
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < files; i++) closeSync(openSync(join(dir, `${i}-`.padEnd(200, 'v')), 'w'));
    const socket = inject('integrationEnv').libvirtSocket;
    client = await LibvirtClient.connect(() => connectUnixSocket(socket), {
      uri: 'qemu:///system',
    });
    const xml = renderXml(
      el(
        'pool',
        { type: 'dir' },
        el('name', {}, `corral-it-big-${process.pid}`),
        el('target', {}, el('path', {}, dir)),
      ),
    );
    pool = (await client.call('storagePoolCreateXml', { xml, flags: 0 })).pool;
    const { vols } = await client.call(
      'storagePoolListAllVolumes',
      { pool, needResults: true, flags: 0 },
      { timeoutMs: 120_000 },
    );
    expect(vols).toHaveLength(files);
    const bytes = vols.reduce((n, v) => n + 12 + v.pool.length + v.name.length + v.key.length, 0);
    expect(bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(bytes).toBeLessThan(MESSAGE_MAX);
    expect(client.connection.isOpen).toBe(true);
    const { hostname } = await client.call('connectGetHostname');
    expect(hostname.length).toBeGreaterThan(0);
  });
});
