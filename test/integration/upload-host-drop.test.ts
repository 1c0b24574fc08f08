import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ClientConnection } from '../../api/client';
import { ImagesService } from '../../core/images/images-service';
import type { LibvirtClient, PoolRef } from '../../native/libvirt';
import { LocalHost } from './support/local-host';
import type { imagesOnlyApi } from './support/served-images';
import { serveImages } from './support/served-images';
import { createTestPool, removeTestPool } from './support/test-pool';
import { waitUntil } from './support/wait';

const tag = `corral-updrop-${process.pid}`;
const poolDir = `/var/lib/libvirt/images/${tag}`;
const MiB = 1024 * 1024;

/**
 * The other way an upload is cut short: its host's connection drops mid-stream, so the partial
 * volume cannot be deleted then. It is deleted when the host is back, and the administrator is
 * told; the data folder's journal keeps it across a restart in between.
 */
describe('images: a partial volume of an upload whose host dropped is removed when it is back', () => {
  const host = new LocalHost('local', inject('integrationEnv').libvirtSocket);
  const dataDir = mkdtempSync(join(tmpdir(), `${tag}-`));
  const notices: string[] = [];
  // The service alone, as the administrator: who may upload is proven in accounts-ownership.
  const service = new ImagesService(host, {
    users: { requireUser: () => ({ role: 'admin' }) },
    dataDir,
    notify: (m) => notices.push(m),
  });
  let c: LibvirtClient;
  let pool: PoolRef;
  let conn: ClientConnection<typeof imagesOnlyApi>;

  beforeAll(async () => {
    c = await host.connect();
    pool = await createTestPool(c, tag, poolDir);
    conn = serveImages(service);
  });

  afterAll(async () => {
    conn?.dispose();
    service.dispose();
    const live = host.client ?? (await host.connect());
    await removeTestPool(live, pool, poolDir);
    await live.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('drops the host mid-upload; the volume stays while it is away and goes when it is back', async () => {
    const stream = await conn.api.images.upload({
      hostId: 'local',
      pool: tag,
      name: 'dropped.img',
      format: 'raw',
      sizeBytes: 32 * MiB,
    });
    stream.onData(() => undefined); // progress lines, read as a browser does
    const ended = new Promise<unknown>((done) => stream.onEnd(done));
    const data = randomBytes(4 * MiB);
    for (let off = 0; off < data.length; off += 256 * 1024)
      await stream.write(data.subarray(off, off + 256 * 1024));
    await host.drop();
    expect(await ended).toMatchObject({ code: 'unavailable' });

    // Seen from a connection of its own: the partial volume is still on the host.
    const { connectUnixSocket, LibvirtClient } = await import('../../native/libvirt');
    const look = await LibvirtClient.connect(
      () => connectUnixSocket(inject('integrationEnv').libvirtSocket),
      { uri: 'qemu:///system' },
    );
    const names = async () =>
      (
        await look.call('storagePoolListAllVolumes', { pool, needResults: true, flags: 0 })
      ).vols.map((v) => v.name);
    try {
      expect(await names()).toEqual(['dropped.img']);
      await host.connect();
      host.announce();
      await waitUntil('the partial volume to be removed', 30_000, async () =>
        (await names()).length === 0 ? true : undefined,
      );
      expect(notices).toEqual([
        expect.stringMatching(/^Removed the partial volume dropped\.img in pool corral-updrop-/),
      ]);
    } finally {
      await look.close();
    }
  });
});
