import type { DomainRef, LibvirtClient } from '../../native/libvirt';
import { el, renderXml } from '../../core/xml/xml-element';

/** Names of the inactive domains bench/topology defines: `corral-bench-0000`..`-0999`. */
export const BENCH_DOMAIN = /^corral-bench-\d{4}$/;

/** The name of bench domain `i`. */
export function benchDomainName(i: number): string {
  return `corral-bench-${String(i).padStart(4, '0')}`;
}

/** A tiny inactive TCG domain: enough for libvirt to define it, never started. */
export function tinyDomainXml(name: string): string {
  return renderXml(
    el(
      'domain',
      { type: 'qemu' },
      el('name', {}, name),
      el('memory', { unit: 'MiB' }, 16),
      el('vcpu', {}, 1),
      el('os', {}, el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm')),
      el('devices', {}, el('memballoon', { model: 'none' })),
    ),
  );
}

/** Runs `tasks` with at most `limit` in flight (libvirtd serves ~5 calls per client at once). */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The bench domains defined on the host now. */
export async function listBenchDomains(client: LibvirtClient): Promise<DomainRef[]> {
  const { domains } = await client.call('connectListAllDomains', { needResults: true, flags: 0 });
  return domains.filter((d) => BENCH_DOMAIN.test(d.name));
}

/** Defines whichever of the `count` bench domains are missing; returns how many it defined. */
export async function defineBenchDomains(client: LibvirtClient, count: number): Promise<number> {
  const have = new Set((await listBenchDomains(client)).map((d) => d.name));
  const missing = Array.from({ length: count }, (_, i) => benchDomainName(i)).filter(
    (n) => !have.has(n),
  );
  await inPool(missing, 5, async (name) => {
    await client.call('domainDefineXmlFlags', { xml: tinyDomainXml(name), flags: 0 });
  });
  return missing.length;
}

/** Undefines every bench domain on the host; returns how many. */
export async function undefineBenchDomains(client: LibvirtClient): Promise<number> {
  const doms = await listBenchDomains(client);
  await inPool(doms, 5, async (dom) => {
    await client.call('domainUndefineFlags', { dom, flags: 0 });
  });
  return doms.length;
}
