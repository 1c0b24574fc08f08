import { CorralError } from '../../api/errors';
import type { LibvirtClient, VolRef } from '../../native/libvirt';
import { overlayVolumeXml, rawVolumeXml } from '../clusters/node-blueprint';
import { findVolume, lookupPool, volumePath } from '../clusters/node-resources';
import { isMissing } from '../images/storage-errors';
import { parseVolumeXml } from '../images/volume-xml';
import { parseDomainXml } from '../inventory/domain-xml';
import * as storageVolume from '../libvirt/storage-volume';
import { el, renderXml } from '../xml/xml-element';

/**
 * One volume of the VM and how it reaches the target:
 * - `overlay`: a linked clone; recreated on the target over the target's base image of the same
 *   name (a live migration then copies only the overlay's data; offline, Corral copies its bytes);
 * - `copy`: read-only (the cloud-init seed): its bytes are copied before the migration;
 * - `blank`: a writable disk of its own: an empty volume the migration fills.
 */
export interface MigrationVolume {
  kind: 'overlay' | 'copy' | 'blank';
  pool: string;
  name: string;
  /** The path on the source; the target's pool has the same path, so the same path there. */
  path: string;
  capacityBytes: number;
  format: string;
  /** For overlays: the base image (same pool and name expected on the target). */
  base?: { pool: string; name: string; format: string };
}

/** The VM's file-backed disks as volumes of the source's pools, with how each travels. */
export async function sourceVolumes(
  source: LibvirtClient,
  domainXml: string,
): Promise<MigrationVolume[]> {
  const out: MigrationVolume[] = [];
  for (const disk of parseDomainXml(domainXml).disks) {
    if (!disk.source?.startsWith('/')) continue;
    const { vol } = await storageVolume.lookupByPath(source, { path: disk.source }).catch((e) => {
      throw new CorralError(
        'unavailable',
        `disk ${disk.target} (${disk.source}) is not a volume of a storage pool on the source`,
        { cause: String(e) },
      );
    });
    const facts = parseVolumeXml((await storageVolume.getXmlDesc(source, { vol, flags: 0 })).xml);
    const common = {
      pool: vol.pool,
      name: vol.name,
      path: disk.source,
      capacityBytes: facts.capacityBytes,
      format: facts.format,
    };
    if (facts.backingPath) {
      const base = await storageVolume.lookupByPath(source, { path: facts.backingPath });
      const baseFacts = parseVolumeXml(
        (await storageVolume.getXmlDesc(source, { vol: base.vol, flags: 0 })).xml,
      );
      out.push({
        ...common,
        kind: 'overlay',
        base: { pool: base.vol.pool, name: base.vol.name, format: baseFacts.format },
      });
    } else if (disk.device === 'cdrom' || disk.device === 'floppy') {
      out.push({ ...common, kind: 'copy' });
    } else {
      out.push({ ...common, kind: 'blank' });
    }
  }
  return out;
}

/** The target's base image for an overlay: same pool, same name. */
export async function targetBase(
  target: LibvirtClient,
  v: MigrationVolume,
): Promise<{ path: string; format: string }> {
  const base = v.base!;
  const pool = await lookupPool(target, base.pool);
  const vol = await findVolume(target, pool, base.name);
  if (!vol) {
    throw new CorralError(
      'not-found',
      `the target has no base image ${base.name} in pool ${base.pool} for ${v.name}`,
    );
  }
  return { path: await volumePath(target, vol), format: base.format };
}

/**
 * Creates the volume on the target, empty (an overlay over the target's base). Refuses when one
 * of that name exists already, and when the target's pool puts it at another path than the
 * source's (the domain's XML names the same path on both hosts).
 */
export async function createOnTarget(target: LibvirtClient, v: MigrationVolume): Promise<VolRef> {
  const pool = await lookupPool(target, v.pool);
  if (await findVolume(target, pool, v.name)) {
    throw new CorralError('conflict', `a volume ${v.name} already exists on the target`);
  }
  const xml =
    v.kind === 'overlay'
      ? overlayVolumeXml(v.name, v.capacityBytes, await targetBase(target, v))
      : v.kind === 'copy'
        ? rawVolumeXml(v.name, v.capacityBytes)
        : blankVolumeXml(v);
  const { vol } = await storageVolume.createXml(target, { pool, xml, flags: 0 });
  const path = await volumePath(target, vol);
  if (path !== v.path) {
    await storageVolume.remove(target, { vol, flags: 0 }).catch(() => undefined);
    throw new CorralError(
      'conflict',
      `pool ${v.pool} keeps its volumes at another path on the target (${path}, not ${v.path})`,
    );
  }
  return vol;
}

function blankVolumeXml(v: MigrationVolume): string {
  // Sparse: the migration writes only what the guest holds.
  return renderXml(
    el(
      'volume',
      { type: 'file' },
      el('name', {}, v.name),
      el('capacity', { unit: 'bytes' }, Math.trunc(v.capacityBytes)),
      el('allocation', { unit: 'bytes' }, 0),
      el('target', {}, el('format', { type: v.format === 'unknown' ? 'raw' : v.format })),
    ),
  );
}

/**
 * Copies a volume's bytes (the file as it is) from the source to the same volume on the target,
 * streamed: never more than a few chunks in memory. `onBytes` reports the running total.
 */
export async function copyVolume(
  source: LibvirtClient,
  target: LibvirtClient,
  v: MigrationVolume,
  signal: AbortSignal,
  onBytes?: (bytes: number) => void,
): Promise<void> {
  const from = (await storageVolume.lookupByPath(source, { path: v.path })).vol;
  const to = (await storageVolume.lookupByPath(target, { path: v.path })).vol;
  const down = await storageVolume.download(source, {
    vol: from,
    offset: 0n,
    length: 0n,
    flags: 0,
  });
  const up = await storageVolume.upload(target, { vol: to, offset: 0n, length: 0n, flags: 0 });
  up.resume(); // the upload's readable side only signals the end
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      signal.removeEventListener('abort', onAbort);
      down.destroy();
      up.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = () => fail(signal.reason ?? new CorralError('cancelled', 'cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    down.on('data', (chunk: Buffer) => {
      total += chunk.length;
      onBytes?.(total);
    });
    down.once('error', fail);
    up.once('error', fail);
    up.once('finish', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    down.pipe(up);
  });
}

/** Deletes volumes by path; a volume already gone is fine. Returns the paths deleted. */
export async function deleteVolumes(client: LibvirtClient, paths: readonly string[]) {
  const deleted: string[] = [];
  for (const path of paths) {
    let vol: VolRef;
    try {
      vol = (await storageVolume.lookupByPath(client, { path })).vol;
    } catch (err) {
      if (isMissing(err)) continue;
      throw err;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await storageVolume.remove(client, { vol, flags: 0 });
        deleted.push(path);
        break;
      } catch (err) {
        if (isMissing(err)) break;
        // Right after QEMU let go of it the volume may be busy for a moment.
        if (attempt >= 10 || !client.connection.isOpen) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  return deleted;
}

/** The backing file the target's overlay names (what the verify step compares). */
export async function backingPathOn(client: LibvirtClient, path: string) {
  const { vol } = await storageVolume.lookupByPath(client, { path });
  return parseVolumeXml((await storageVolume.getXmlDesc(client, { vol, flags: 0 })).xml)
    .backingPath;
}
