import type { LibvirtClient } from '../../native/libvirt';

/** Sequential GET_HOSTNAME calls for `secs`; returns calls/s. */
export async function corralCalls(
  c: LibvirtClient,
  secs: number,
  inFlight: number,
): Promise<number> {
  const start = performance.now();
  const until = start + secs * 1000;
  let n = 0;
  const worker = async () => {
    while (performance.now() < until) {
      await c.call('connectGetHostname');
      n++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return n / ((performance.now() - start) / 1000);
}

/** Defines `count` test-driver domains, then lists all domains for `secs`; returns lists/s. */
export async function corralListAll(
  c: LibvirtClient,
  secs: number,
  count: number,
): Promise<number> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      c.call('domainDefineXmlFlags', {
        // Fixed text with a number in it: nothing untrusted reaches this XML.
        xml: `<domain type='test'><name>corral-bench-${i}</name><memory>65536</memory><os><type>hvm</type></os></domain>`,
        flags: 0,
      }),
    ),
  );
  const start = performance.now();
  const until = start + secs * 1000;
  let n = 0;
  while (performance.now() < until) {
    const { domains } = await c.call('connectListAllDomains', { needResults: true, flags: 0 });
    if (domains.length < count) throw new Error(`listed ${domains.length} < ${count} domains`);
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

/** Uploads `bytes` into pool/vol in `chunk`-sized writes; returns MiB/s. */
export async function corralUpload(
  c: LibvirtClient,
  poolName: string,
  volName: string,
  bytes: number,
  chunk: number,
): Promise<number> {
  const { pool } = await c.call('storagePoolLookupByName', { name: poolName });
  const { vol } = await c.call('storageVolLookupByName', { pool, name: volName });
  const buf = Buffer.alloc(chunk, 7);
  const start = performance.now();
  const up = await c.openStream('storageVolUpload', {
    vol,
    offset: 0n,
    length: BigInt(bytes),
    flags: 0,
  });
  up.resume();
  await new Promise<void>((resolve, reject) => {
    up.once('error', reject);
    up.once('finish', resolve);
    let off = 0;
    const pump = () => {
      while (off < bytes) {
        const n = Math.min(chunk, bytes - off);
        off += n;
        if (!up.write(n === chunk ? buf : buf.subarray(0, n))) {
          up.once('drain', pump);
          return;
        }
      }
      up.end();
    };
    pump();
  });
  return bytes / (1 << 20) / ((performance.now() - start) / 1000);
}
