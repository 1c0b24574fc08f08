import { mkdirSync, rmSync } from 'node:fs';
import { el, renderXml } from '../../../core/xml/xml-element';
import type { LibvirtClient, PoolRef } from '../../../native/libvirt';

/** VIR_STORAGE_POOL_CREATE_WITH_BUILD: make the directory if needed. */
const POOL_CREATE_WITH_BUILD = 1;

/** A transient directory pool `name` at `dir`, for one suite's volumes. */
export async function createTestPool(
  c: LibvirtClient,
  name: string,
  dir: string,
): Promise<PoolRef> {
  mkdirSync(dir, { recursive: true });
  const xml = renderXml(
    el('pool', { type: 'dir' }, el('name', {}, name), el('target', {}, el('path', {}, dir))),
  );
  return (await c.call('storagePoolCreateXml', { xml, flags: POOL_CREATE_WITH_BUILD })).pool;
}

/** Deletes every volume of `pool`, the pool, and then its directory. */
export async function removeTestPool(c: LibvirtClient, pool: PoolRef, dir: string): Promise<void> {
  const { vols } = await c.call('storagePoolListAllVolumes', { pool, needResults: true, flags: 0 });
  for (const vol of vols) await c.call('storageVolDelete', { vol, flags: 0 }).catch(() => {});
  await c.call('storagePoolDestroy', { pool }).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
