import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ByteStream } from '../../api/byte-stream';
import type { ClientConnection } from '../../api/client';
import type { ErrorData } from '../../api/errors';
import type { UploadTarget } from '../../api/images-api';
import type { Task } from '../../api/tasks-api';
import { ImagesService } from '../../core/images/images-service';
import { TaskEngine } from '../../core/tasks/task-engine';
import type { LibvirtClient, PoolRef } from '../../native/libvirt';
import { LocalHost } from './support/local-host';
import { serveImages, type imagesOnlyApi } from './support/served-images';
import { createTestPool, removeTestPool } from './support/test-pool';
import { waitUntil } from './support/wait';

const HOST = 'local';
const tag = `corral-uptask-${process.pid}`;
const poolDir = `/var/lib/libvirt/images/${tag}`;
const MiB = 1024 * 1024;
const CHUNK = 256 * 1024;

/**
 * Every image upload is a task (kind image-upload) with its steps and bytes, and can be
 * cancelled from the Tasks tab; the upload stream and its client are the same as before.
 * Real libvirtd, real volume upload streams, checked with libvirt.
 */
describe('images: an upload is a task', () => {
  const dir = mkdtempSync(join(tmpdir(), `${tag}-`));
  const host = new LocalHost(HOST, inject('integrationEnv').libvirtSocket);
  const engine = new TaskEngine({ file: join(dir, 'tasks.jsonl') });
  const service = new ImagesService(host, {
    access: { requireUser: () => ({ role: 'admin' }), requireAdmin: () => undefined },
    tasks: { engine, ownerOf: () => 'admin-id' },
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
    await engine.close();
    if (c?.connection.isOpen) {
      await removeTestPool(c, pool, poolDir);
      await c.close();
    }
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const target = (name: string, sizeBytes: number): UploadTarget => ({
    hostId: HOST,
    pool: tag,
    name,
    format: 'raw',
    sizeBytes,
  });

  /** How the stream ended; its progress lines are read (as the UI does) so it can end. */
  const ended = (stream: ByteStream) => {
    stream.onData(() => undefined);
    return new Promise<ErrorData | undefined>((done) => stream.onEnd((e) => done(e)));
  };

  const taskOf = (name: string): Task | undefined =>
    engine.list().find((t) => t.targets.some((x) => x.kind === 'image' && x.volume === name));

  const volumeNames = async () =>
    (await c.call('storagePoolListAllVolumes', { pool, needResults: true, flags: 0 })).vols.map(
      (v) => v.name,
    );

  it('a finished upload is a succeeded task with its steps, bytes and target', async () => {
    const data = randomBytes(3 * MiB + 777);
    const stream = await conn.api.images.upload(target('done.img', data.length));
    const end = ended(stream);
    expect(taskOf('done.img')).toMatchObject({ kind: 'image-upload', status: 'running' });
    for (let off = 0; off < data.length; off += CHUNK)
      await stream.write(data.subarray(off, off + CHUNK));
    stream.end();
    expect(await end).toBeUndefined();
    const task = await engine.settled(taskOf('done.img')!.id);
    expect(task).toMatchObject({
      status: 'succeeded',
      ownerId: 'admin-id',
      progress: 1,
      targets: [{ kind: 'image', hostId: HOST, pool: tag, volume: 'done.img' }],
      steps: [
        { id: 'create', status: 'done' },
        { id: 'transfer', status: 'done', detail: '3.0 MiB of 3.0 MiB' },
        { id: 'check', status: 'done' },
      ],
    });
    expect(await volumeNames()).toContain('done.img');
  });

  it('cancelled from the Tasks tab: the client is told, the task is cancelled and no volume is left', async () => {
    const data = randomBytes(8 * MiB);
    const stream = await conn.api.images.upload(target('stopped.img', data.length));
    const end = ended(stream);
    for (let off = 0; off < 2 * MiB; off += CHUNK)
      await stream.write(data.subarray(off, off + CHUNK));
    const running = await waitUntil('the bytes to show on the task', 30_000, () => {
      const t = taskOf('stopped.img');
      return t && (t.progress ?? 0) > 0 && t.actions.cancel && t;
    });
    await engine.cancel(running.id, 'root');
    expect(await end).toMatchObject({ code: 'cancelled' });
    const task = await engine.settled(running.id);
    expect(task.status).toBe('cancelled');
    expect(task.steps.find((s) => s.id === 'transfer')).toMatchObject({ status: 'cancelled' });
    await waitUntil('the partial volume to be deleted', 30_000, async () =>
      (await volumeNames()).includes('stopped.img') ? false : true,
    );
  });

  it('cancelled by its client: the task ends cancelled with the reason in its log', async () => {
    const data = randomBytes(2 * MiB);
    const stream = await conn.api.images.upload(target('client-stop.img', data.length));
    const end = ended(stream);
    await stream.write(data.subarray(0, CHUNK));
    stream.end({ code: 'cancelled', message: 'the user closed the dialog' });
    await end;
    const task = await engine.settled(taskOf('client-stop.img')!.id);
    expect(task.status).toBe('cancelled');
    expect(task.log.map((l) => l.text).join('\n')).toMatch(/the user closed the dialog/);
  });

  it('fewer bytes than announced: the task fails with the same error the client gets', async () => {
    const data = randomBytes(MiB);
    const stream = await conn.api.images.upload(target('short.img', 2 * MiB));
    const end = ended(stream);
    await stream.write(data);
    stream.end();
    const error = await end;
    expect(error?.message).toMatch(/ended after/);
    const task = await engine.settled(taskOf('short.img')!.id);
    expect(task).toMatchObject({ status: 'failed', error: error!.message });
    expect(task.steps.find((s) => s.id === 'transfer')).toMatchObject({ status: 'failed' });
  });
});
