import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainLifecycle,
  LibvirtError,
  type DomainRef,
  type LibvirtClient,
  type LibvirtStream,
  type PoolRef,
  type VolRef,
} from '../../../native/libvirt';
import { guestKernel } from '../../support/guest-kernel';
import type { ProcedureCoverage, TransportUnderTest } from './clients';
import { guestInitramfs } from './guest-initramfs';
import { guestDomainXml } from './guest-xml';
import { el, renderXml as toXml } from '../../../core/xml/xml-element';
import { rejectionOf, waitUntil } from './wait';

const POOL_CREATE_WITH_BUILD = 1;
const DISK_BYTES = 8 << 20;

/** Reads a whole stream into one Buffer. */
function collect(stream: LibvirtStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(parts)));
  });
}

/**
 * What only a real hypervisor can serve: a TCG busybox guest on qemu:///system with a console
 * typed into, lifecycle events, a disk volume uploaded, downloaded and resized live.
 */
export function defineGuestSuite(t: TransportUnderTest, coverage: ProcedureCoverage): void {
  describe(`${t.label}: qemu:///system with a TCG guest`, () => {
    let c: LibvirtClient;
    let pool: PoolRef;
    let vol: VolRef;
    let volPath: string;
    const tag = `${t.label}-${process.pid}`;
    const poolDir = `/var/lib/libvirt/images/corral-it-${tag}`;
    const name = `corral-it-guest-${tag}`;

    beforeAll(async () => {
      c = await coverage.connect(t, 'qemu:///system');
      mkdirSync(poolDir, { recursive: true });
      const poolXml = toXml(
        el(
          'pool',
          { type: 'dir' },
          el('name', {}, `corral-it-${tag}`),
          el('target', {}, el('path', {}, poolDir)),
        ),
      );
      pool = (await c.call('storagePoolCreateXml', { xml: poolXml, flags: POOL_CREATE_WITH_BUILD }))
        .pool;
      const volXml = toXml(
        el(
          'volume',
          {},
          el('name', {}, 'disk.raw'),
          el('capacity', {}, String(DISK_BYTES / 2)),
          el('target', {}, el('format', { type: 'raw' })),
        ),
      );
      vol = (await c.call('storageVolCreateXml', { pool, xml: volXml, flags: 0 })).vol;
      volPath = (await c.call('storageVolGetPath', { vol })).name;
    });

    it('reads node memory stats (the test driver has none)', async () => {
      const count = await c.call('nodeGetMemoryStats', { nparams: 0, cellNum: -1, flags: 0 });
      const mem = await c.call('nodeGetMemoryStats', {
        nparams: count.nparams,
        cellNum: -1,
        flags: 0,
      });
      expect(mem.params.map((p) => p.field)).toContain('total');
    });

    afterAll(async () => {
      if (c?.connection.isOpen) {
        const d = await c.call('domainLookupByName', { name }).catch(() => undefined);
        if (d) {
          await c.call('domainDestroyFlags', { dom: d.dom, flags: 0 }).catch(() => {});
          await c.call('domainUndefineFlags', { dom: d.dom, flags: 0 }).catch(() => {});
        }
        if (vol) await c.call('storageVolDelete', { vol, flags: 0 }).catch(() => {});
        if (pool) await c.call('storagePoolDestroy', { pool }).catch(() => {});
        await c.close();
      }
      rmSync(poolDir, { recursive: true, force: true });
    });

    it('resizes a volume, uploads it with back-pressure and downloads the same bytes', async () => {
      await c.call('storageVolResize', { vol, capacity: BigInt(DISK_BYTES), flags: 0 });
      const data = randomBytes(4 << 20);
      const up = await c.openStream('storageVolUpload', {
        vol,
        offset: 0n,
        length: BigInt(data.length),
        flags: 0,
      });
      up.resume(); // the readable side only signals the end
      await new Promise<void>((resolve, reject) => {
        up.once('error', reject);
        up.once('finish', resolve);
        for (let off = 0; off < data.length; off += 300_000)
          up.write(data.subarray(off, off + 300_000));
        up.end();
      });
      const down = await c.openStream('storageVolDownload', {
        vol,
        offset: 0n,
        length: BigInt(data.length),
        flags: 0,
      });
      const back = await collect(down);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(back.length).toBe(data.length);
      expect(sha(back)).toBe(sha(data));
    });

    it('boots a guest, sees STARTED, types into its console, resizes its disk, sees STOPPED', async () => {
      const events: { event: number; name: string }[] = [];
      const sub = await c.onDomainEvent('lifecycle', (e) => {
        if (e.dom.name === name) events.push({ event: e.event, name: e.dom.name });
      });
      const xml = guestDomainXml({
        name,
        kernel: guestKernel().vmlinuz,
        initrd: guestInitramfs(),
        diskPath: volPath,
      });
      const { dom: defined } = await c.call('domainDefineXmlFlags', { xml, flags: 0 });
      const { dom } = await c.call('domainCreateWithFlags', { dom: defined, flags: 0 });
      await waitUntil('STARTED event', 30_000, () =>
        events.some((e) => e.event === DomainLifecycle.STARTED),
      );

      const console = await c.openStream('domainOpenConsole', { dom, devName: null, flags: 1 });
      let out = '';
      console.on('data', (d: Buffer) => (out += d.toString('latin1')));
      // $((6*7)) shows 42 only when the shell ran it, not in the echoed command line.
      const seen = await waitUntil(
        'the guest shell to answer on the console',
        120_000,
        () => {
          if (/42-corral/.test(out)) return true;
          console.write('echo $((6*7))-corral\r');
          return false;
        },
        1_000,
      );
      expect(seen).toBe(true);
      console.destroy();

      await c.call('domainBlockResize', {
        dom,
        disk: 'vda',
        size: BigInt(DISK_BYTES * 2),
        flags: 1,
      });
      const block = await c.call('domainGetBlockInfo', { dom, path: 'vda', flags: 0 });
      expect(block.capacity).toBe(BigInt(DISK_BYTES * 2));
      // The same volume found again by the path the domain's disk names.
      const byPath = await c.call('storageVolLookupByPath', { path: volPath });
      expect(byPath.vol.key).toBe(volPath);
      // Pause and resume: the state libvirt reports follows (3 = paused, 1 = running).
      await c.call('domainSuspend', { dom });
      expect((await c.call('domainGetState', { dom, flags: 0 })).state).toBe(3);
      await c.call('domainResume', { dom });
      expect((await c.call('domainGetState', { dom, flags: 0 })).state).toBe(1);
      // This guest has no guest agent channel: both agent calls end in a typed libvirt error.
      const setTime = await rejectionOf(
        c.call('domainSetTime', { dom, seconds: 1_800_000_000n, nseconds: 0, flags: 0 }),
      );
      expect(setTime).toBeInstanceOf(LibvirtError);
      expect((setTime as Error).message).toMatch(/agent/i);
      const vcpus = await rejectionOf(
        c.call('domainSetGuestVcpus', { dom, cpumap: '0', state: 1, flags: 0 }),
      );
      expect(vcpus).toBeInstanceOf(LibvirtError);
      expect((vcpus as Error).message).toMatch(/agent/i);
      // The first phase of a managed migration, and nothing after it: without change
      // protection libvirt ends the job at once, so the guest runs on untouched.
      const begin = await c.call('domainMigrateBegin3Params', {
        dom,
        params: [],
        flags: 1 | 64, // VIR_MIGRATE_LIVE | NON_SHARED_DISK (its disk is on this host only)
      });
      expect(begin.xml).toContain(`<name>${name}</name>`);
      expect(begin.cookieOut.length).toBeGreaterThan(0);
      expect((await c.call('domainGetState', { dom, flags: 0 })).state).toBe(1);
      // A target asked to take a domain whose XML does not parse refuses with libvirt's error.
      const prepare = await rejectionOf(
        c.call('domainMigratePrepare3Params', {
          params: [{ field: 'destination_xml', value: { type: 7, value: '<domain' } }],
          cookieIn: Buffer.alloc(0),
          flags: 1,
        }),
      );
      expect(prepare).toBeInstanceOf(LibvirtError);
      // The downtime a future migration may pause the guest for, in ms.
      await c.call('domainMigrateSetMaxDowntime', { dom, downtime: 300n, flags: 0 });
      const job = await c.call('domainGetJobStats', { dom, flags: 0 });
      expect(job.type).toBe(0); // VIR_DOMAIN_JOB_NONE
      const ifaces: { ifaces: unknown[] } | Error = await c
        .call('domainInterfaceAddresses', { dom, source: 0, flags: 0 })
        .catch((e: unknown) => e as Error);
      if (ifaces instanceof Error) expect(ifaces).toBeInstanceOf(LibvirtError);
      else expect(ifaces.ifaces).toEqual([]);
      const stats = await c.call('connectGetAllDomainStats', { doms: [dom], stats: 0, flags: 0 });
      expect(stats.retStats[0]?.params.length).toBeGreaterThan(0);

      await c.call('domainDestroyFlags', { dom, flags: 0 });
      await waitUntil('STOPPED event', 30_000, () =>
        events.some((e) => e.event === DomainLifecycle.STOPPED),
      );
      await sub.unregister();
      await c.call('domainUndefineFlags', { dom, flags: 0 });
      const gone = await rejectionOf(c.call('domainLookupByName', { name }));
      expect(gone).toMatchObject({ code: 42 });
      void (dom satisfies DomainRef);
    });
  });
}
