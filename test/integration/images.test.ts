import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ByteStream } from '../../api/byte-stream';
import { type ClientConnection } from '../../api/client';
import type { CorralError } from '../../api/errors';
import { type UploadTarget } from '../../api/images-api';
import { ImagesService } from '../../core/images/images-service';
import { el, renderXml } from '../../core/xml/xml-element';
import type { LibvirtClient, LibvirtStream, PoolRef } from '../../native/libvirt';
import type { imagesOnlyApi } from './support/served-images';
import { serveImages } from './support/served-images';
import { createTestPool, removeTestPool } from './support/test-pool';
import { rejectionOf, waitUntil } from './support/wait';
import { LocalHost } from './support/local-host';

const HOST = 'local';
const tag = `corral-img-${process.pid}`;
const poolDir = `/var/lib/libvirt/images/${tag}`;
const MiB = 1024 * 1024;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** What the client saw of one upload. */
interface UploadResult {
  progress: number[];
  error: CorralError | undefined;
}

describe('images: base images on qemu:///system through ImagesService and the contract', () => {
  const host = new LocalHost(HOST, inject('integrationEnv').libvirtSocket);
  // The service alone: who may upload is proven in accounts-ownership.test.ts.
  const service = new ImagesService(host, {
    users: { requireUser: () => ({ role: 'admin' }) },
  });
  let c: LibvirtClient;
  let pool: PoolRef;
  let conn: ClientConnection<typeof imagesOnlyApi>;
  const work = mkdtempSync(join(tmpdir(), `${tag}-`));

  beforeAll(async () => {
    c = await host.connect();
    pool = await createTestPool(c, tag, poolDir);
    conn = serveImages(service);
  });

  afterAll(async () => {
    conn?.dispose();
    service.dispose();
    if (c?.connection.isOpen) {
      await removeTestPool(c, pool, poolDir);
      await c.close();
    }
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const target = (name: string, sizeBytes: number, format: 'raw' | 'qcow2' = 'raw') =>
    ({ hostId: HOST, pool: tag, name, format, sizeBytes }) satisfies UploadTarget;

  /** Listens to an open upload stream: progress lines, and how it ended. */
  function follow(stream: ByteStream): Promise<UploadResult> {
    const result: UploadResult = { progress: [], error: undefined };
    let text = '';
    const decoder = new TextDecoder();
    stream.onData((bytes) => {
      text += decoder.decode(bytes, { stream: true });
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines)
        result.progress.push((JSON.parse(line) as { uploaded: number }).uploaded);
    });
    return new Promise((resolve) =>
      stream.onEnd((error) => {
        result.error = error;
        resolve(result);
      }),
    );
  }

  /** Uploads `data` in 256 KiB writes, awaiting each (back-pressure); optionally stops early. */
  async function upload(
    t: UploadTarget,
    data: Uint8Array,
    stop?: { after: number; cancel: boolean },
  ): Promise<UploadResult> {
    const stream = await conn.api.images.upload(t);
    const ended = follow(stream);
    const limit = stop?.after ?? data.length;
    for (let off = 0; off < limit; off += 256 * 1024)
      await stream.write(data.subarray(off, Math.min(limit, off + 256 * 1024)));
    if (stop?.cancel) stream.end({ code: 'cancelled', message: 'the user cancelled' });
    else stream.end();
    return ended;
  }

  async function download(name: string, size: number): Promise<Buffer> {
    const { vol } = await c.call('storageVolLookupByName', { pool, name });
    const down: LibvirtStream = await c.openStream('storageVolDownload', {
      vol,
      offset: 0n,
      length: BigInt(size),
      flags: 0,
    });
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      down.on('data', (b: Buffer) => chunks.push(b));
      down.once('end', resolve);
      down.once('error', reject);
    });
    return Buffer.concat(chunks);
  }

  const volumeNames = async () =>
    (await c.call('storagePoolListAllVolumes', { pool, needResults: true, flags: 0 })).vols.map(
      (v) => v.name,
    );

  it('uploads a few MiB with progress; the host has exactly these bytes', async () => {
    const data = randomBytes(5 * MiB + 12345);
    const result = await upload(target('random.img', data.length), data);
    expect(result.error).toBeUndefined();
    expect(result.progress.at(-1)).toBe(data.length);
    expect(result.progress.length).toBeGreaterThan(2);
    // Progress only grows.
    expect([...result.progress].sort((a, b) => a - b)).toEqual(result.progress);
    const back = await download('random.img', data.length);
    expect(back.length).toBe(data.length);
    expect(sha256(back)).toBe(sha256(data));
  });

  it('lists uploads with format, size and kernel pairing; hides clones and seeds', async () => {
    // A real qcow2 image (qemu-img), uploaded as qcow2, with kernel and initrd companions.
    const file = join(work, 'base.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '64M']);
    const qcow2 = readFileSync(file);
    expect((await upload(target('base.qcow2', qcow2.length, 'qcow2'), qcow2)).error).toBe(
      undefined,
    );
    for (const suffix of ['kernel', 'initrd']) {
      const bytes = randomBytes(300 * 1024);
      const r = await upload(target(`base.qcow2.${suffix}`, bytes.length), bytes);
      expect(r.error).toBeUndefined();
    }
    // A linked clone of it and a seed, as a cluster's node would have: never base images.
    await c.call('storageVolCreateXml', {
      pool,
      xml: renderXml(
        el(
          'volume',
          {},
          el('name', {}, 'node-0.qcow2'),
          el('capacity', { unit: 'bytes' }, 128 * MiB),
          el('target', {}, el('format', { type: 'qcow2' })),
          el(
            'backingStore',
            {},
            el('path', {}, `${poolDir}/base.qcow2`),
            el('format', { type: 'qcow2' }),
          ),
        ),
      ),
      flags: 0,
    });
    const seed = randomBytes(64 * 1024);
    expect((await upload(target('node-0-seed.iso', seed.length), seed)).error).toBeUndefined();

    const mine = (await conn.api.images.list({})).filter((i) => i.pool === tag);
    expect(mine.map((i) => i.name)).toEqual(['base.qcow2', 'random.img']);
    const [base, random] = mine;
    expect(base).toMatchObject({
      hostId: HOST,
      path: `${poolDir}/base.qcow2`,
      format: 'qcow2',
      capacityBytes: 64 * MiB,
      boot: {
        kind: 'kernel',
        kernelPath: `${poolDir}/base.qcow2.kernel`,
        initrdPath: `${poolDir}/base.qcow2.initrd`,
      },
    });
    expect(random).toMatchObject({
      format: 'raw',
      capacityBytes: 5 * MiB + 12345,
      boot: { kind: 'disk' },
    });
    // A candidate backs nothing until it is marked.
    expect(base!.marked).toBe(false);
    const unmarked = await rejectionOf(service.findBaseImage(HOST, 'base.qcow2', tag));
    expect(unmarked).toMatchObject({ code: 'not-found' });
    await conn.api.images.mark({ hostId: HOST, pool: tag, name: 'base.qcow2' });
    expect(await service.findBaseImage(HOST, 'base.qcow2', tag)).toEqual({ ...base, marked: true });
    // A linked clone is no candidate and cannot be marked.
    const clone = await rejectionOf(
      conn.api.images.mark({ hostId: HOST, pool: tag, name: 'node-0.qcow2' }),
    );
    expect(clone).toMatchObject({ code: 'not-found' });
    const missing = await rejectionOf(service.findBaseImage(HOST, 'nope.qcow2'));
    expect(missing).toMatchObject({ code: 'not-found' });
    expect(await conn.api.images.pools({})).toContainEqual({ hostId: HOST, name: tag });
  });

  it('an upload asked to be marked is a base image at once; others wait for a mark', async () => {
    const bytes = randomBytes(MiB);
    const marked = { ...target('marked.img', bytes.length), markAsBase: true };
    expect((await upload(marked, bytes)).error).toBeUndefined();
    const listed = (await conn.api.images.list({})).filter((i) => i.pool === tag);
    expect(listed.map((i) => `${i.name}:${i.marked}`)).toEqual(
      expect.arrayContaining(['marked.img:true', 'random.img:false']),
    );
    expect(await service.findBaseImage(HOST, 'marked.img', tag)).toMatchObject({ marked: true });
    await conn.api.images.remove({ hostId: HOST, pool: tag, name: 'marked.img' });
  });

  it('refuses an existing name before touching it', async () => {
    const before = sha256(await download('random.img', 5 * MiB + 12345));
    const err = await rejectionOf(conn.api.images.upload(target('random.img', MiB)));
    expect(err).toMatchObject({ code: 'conflict', message: expect.stringContaining('random.img') });
    expect(sha256(await download('random.img', 5 * MiB + 12345))).toBe(before);
  });

  it('a cancel mid-way leaves no volume', async () => {
    const data = randomBytes(6 * MiB);
    const result = await upload(target('cancelled.img', data.length), data, {
      after: 3 * MiB,
      cancel: true,
    });
    expect(result.error).toBeDefined();
    await waitUntil('the partial volume is deleted', 10_000, async () =>
      (await volumeNames()).includes('cancelled.img') ? false : true,
    );
  });

  it('fewer bytes than announced fail with a clear error and leave no volume', async () => {
    const data = randomBytes(2 * MiB);
    const result = await upload(target('short.img', 3 * MiB), data);
    expect(result.error).toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining(`after ${2 * MiB} of the ${3 * MiB} bytes`),
    });
    expect(await volumeNames()).not.toContain('short.img');
  });

  it('a file that is not what it was declared as is refused and deleted', async () => {
    const data = randomBytes(MiB);
    const result = await upload(target('fake.qcow2', data.length, 'qcow2'), data);
    expect(result.error).toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('not qcow2'),
    });
    expect(await volumeNames()).not.toContain('fake.qcow2');
  });

  it('remove is refused while a linked clone uses the image, then removes it with companions', async () => {
    const refused = await rejectionOf(
      conn.api.images.remove({ hostId: HOST, pool: tag, name: 'base.qcow2' }),
    );
    expect(refused).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('linked clone node-0.qcow2'),
    });
    expect(await volumeNames()).toContain('base.qcow2');
    const { vol } = await c.call('storageVolLookupByName', { pool, name: 'node-0.qcow2' });
    await c.call('storageVolDelete', { vol, flags: 0 });
    await conn.api.images.remove({ hostId: HOST, pool: tag, name: 'base.qcow2' });
    const names = await volumeNames();
    for (const n of ['base.qcow2', 'base.qcow2.kernel', 'base.qcow2.initrd'])
      expect(names).not.toContain(n);
    // The mark went with the volume: a later one of the same name starts unmarked.
    expect(service.marks.has({ hostId: HOST, pool: tag, name: 'base.qcow2' })).toBe(false);
    const gone = await rejectionOf(
      conn.api.images.remove({ hostId: HOST, pool: tag, name: 'base.qcow2' }),
    );
    expect(gone).toMatchObject({ code: 'not-found' });
  });
});
