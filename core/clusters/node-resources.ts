import {
  ErrorNumber,
  LibvirtError,
  type LibvirtClient,
  type PoolRef,
  type VolRef,
} from '../../native/libvirt';
import * as domain from '../libvirt/domain';
import * as storagePool from '../libvirt/storage-pool';
import * as storageVolume from '../libvirt/storage-volume';

// virConnectListAllStoragePools: active pools only.
const LIST_POOLS_ACTIVE = 2;
// virDomainUndefineFlags: also drop managed save (1), snapshot metadata (2), NVRAM (4) and
// checkpoint metadata (16).
const UNDEFINE_ALL = 1 | 2 | 4 | 16;
const VIR_DOMAIN_RUNNING = 1;
const VIR_DOMAIN_PAUSED = 3;

// Missing domain / pool / volume.
const MISSING: readonly number[] = [
  ErrorNumber.NO_DOMAIN,
  ErrorNumber.NO_STORAGE_POOL,
  ErrorNumber.NO_STORAGE_VOL,
];

function isMissing(err: unknown): boolean {
  return err instanceof LibvirtError && MISSING.includes(err.code);
}

/** Thin, explicit host calls for a node's resources: each returns "absent" instead of failing. */
export async function lookupPool(client: LibvirtClient, name: string): Promise<PoolRef> {
  return (await storagePool.lookupByName(client, { name })).pool;
}

export async function findVolume(
  client: LibvirtClient,
  pool: PoolRef,
  name: string,
): Promise<VolRef | undefined> {
  try {
    return (await storageVolume.lookupByName(client, { pool, name })).vol;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Active pools' names (for removing volumes of a cluster whose pool is not recorded). */
export async function activePools(client: LibvirtClient): Promise<PoolRef[]> {
  return (await storagePool.listAll(client, { needResults: true, flags: LIST_POOLS_ACTIVE })).pools;
}

export async function volumePath(client: LibvirtClient, vol: VolRef): Promise<string> {
  return (await storageVolume.getPath(client, { vol })).name;
}

/** Deletes a volume if it exists; true when something was deleted. */
export async function deleteVolumeIfPresent(
  client: LibvirtClient,
  pool: PoolRef,
  name: string,
): Promise<boolean> {
  const vol = await findVolume(client, pool, name);
  if (!vol) return false;
  for (let attempt = 0; ; attempt++) {
    try {
      await storageVolume.remove(client, { vol, flags: 0 });
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      // Right after a destroy or an aborted upload the volume may still be busy for a moment.
      if (attempt >= 10 || !client.connection.isOpen) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export async function findDomain(client: LibvirtClient, name: string) {
  try {
    return (await domain.lookupByName(client, { name })).dom;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** The domain with this UUID, or undefined: a UUID, unlike a name, is never reused by another. */
export async function findDomainByUuid(client: LibvirtClient, uuid: string) {
  try {
    return (await domain.lookupByUuid(client, { uuid })).dom;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** The domain's live XML (its metadata tells whose it is). */
export async function domainXml(
  client: LibvirtClient,
  dom: Awaited<ReturnType<typeof findDomain>> & object,
): Promise<string> {
  return (await domain.getXmlDesc(client, { dom, flags: 0 })).xml;
}

export async function isActive(
  client: LibvirtClient,
  dom: Awaited<ReturnType<typeof findDomain>> & object,
): Promise<boolean> {
  const { state } = await domain.getState(client, { dom, flags: 0 });
  return state === VIR_DOMAIN_RUNNING || state === VIR_DOMAIN_PAUSED;
}

/** Stops (hard) and undefines this very domain; false when it was already gone. */
export async function removeDomain(
  client: LibvirtClient,
  dom: Awaited<ReturnType<typeof findDomain>> & object,
): Promise<boolean> {
  try {
    if (await isActive(client, dom)) await domain.destroy(client, { dom, flags: 0 });
  } catch (err) {
    if (isMissing(err)) return false;
    // "domain is not running": it stopped by itself meanwhile.
  }
  try {
    await domain.undefine(client, { dom, flags: UNDEFINE_ALL });
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  return true;
}

/** Uploads bytes into a volume through libvirt's stream (no file on the host side needed). */
export async function uploadVolume(
  client: LibvirtClient,
  vol: VolRef,
  data: Uint8Array,
): Promise<void> {
  const up = await storageVolume.upload(client, {
    vol,
    offset: 0n,
    length: BigInt(data.length),
    flags: 0,
  });
  up.resume(); // the readable side only signals the end
  await new Promise<void>((resolve, reject) => {
    up.once('error', reject);
    up.once('finish', resolve);
    up.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}
