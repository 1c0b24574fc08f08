import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainLifecycle,
  LibvirtError,
  type DomainRef,
  type LibvirtClient,
} from '../../../native/libvirt';
import type { ProcedureCoverage, TransportUnderTest } from './clients';
import { el, renderXml as toXml } from '../../../core/xml/xml-element';
import { rejectionOf, waitUntil } from './wait';

const AFFECT_LIVE = 1;

function testDomainXml(name: string): string {
  return toXml(
    el(
      'domain',
      { type: 'test' },
      el('name', {}, name),
      el('memory', {}, '131072'),
      el('vcpu', {}, '2'),
      el('os', {}, el('type', {}, 'hvm')),
    ),
  );
}

function volXml(name: string, bytes: number): string {
  return toXml(el('volume', {}, el('name', {}, name), el('capacity', {}, String(bytes))));
}

function dirPoolXml(name: string, path: string): string {
  return toXml(
    el('pool', { type: 'dir' }, el('name', {}, name), el('target', {}, el('path', {}, path))),
  );
}

/**
 * The procedures the test driver serves (`test:///default` opened through libvirtd): state lives
 * only as long as the connection, so everything runs on one client.
 */
export function defineTestDriverSuite(t: TransportUnderTest, coverage: ProcedureCoverage): void {
  describe(`${t.label}: test:///default through libvirtd`, () => {
    let c: LibvirtClient;
    const name = `corral-it-td-${t.label}-${process.pid}`;

    beforeAll(async () => {
      c = await coverage.connect(t, 'test:///default');
    });
    afterAll(async () => {
      await c?.close();
    });

    it('reads host facts', async () => {
      expect((await c.call('connectGetHostname')).hostname.length).toBeGreaterThan(0);
      expect((await c.call('connectGetLibVersion')).libVer).toBeGreaterThanOrEqual(9_000_000n);
      expect((await c.call('connectGetCapabilities')).capabilities).toContain('<capabilities>');
      const info = await c.call('nodeGetInfo');
      expect(info.cpus).toBeGreaterThan(0);
      expect(info.model.length).toBeGreaterThan(0);
      expect((await c.call('nodeGetFreeMemory')).freeMem).toBeGreaterThan(0n);
      // nparams 0 asks how many; then fetch that many.
      const cpuCount = await c.call('nodeGetCpuStats', { cpuNum: -1, nparams: 0, flags: 0 });
      const cpu = await c.call('nodeGetCpuStats', {
        cpuNum: -1,
        nparams: cpuCount.nparams,
        flags: 0,
      });
      expect(cpu.params.length).toBe(cpuCount.nparams);
    });

    it('maps a daemon error to LibvirtError with code and domain', async () => {
      const err = await rejectionOf(c.call('domainLookupByName', { name: 'corral-it-missing' }));
      expect(err).toBeInstanceOf(LibvirtError);
      expect(err).toMatchObject({ code: 42 }); // VIR_ERR_NO_DOMAIN
    });

    it('runs many calls with 5 in flight and a queue beyond', async () => {
      const all = await Promise.all(
        Array.from({ length: 60 }, () => c.call('connectGetLibVersion')),
      );
      expect(new Set(all.map((r) => r.libVer)).size).toBe(1);
    });

    it('drives a domain through its life, with lifecycle events', async () => {
      const events: { event: number; dom: string }[] = [];
      const sub = await c.onDomainEvent('lifecycle', (e) =>
        events.push({ event: e.event, dom: e.dom.name }),
      );
      const { dom } = await c.call('domainDefineXmlFlags', { xml: testDomainXml(name), flags: 0 });
      expect(dom.name).toBe(name);
      const listed = await c.call('connectListAllDomains', { needResults: true, flags: 0 });
      expect(listed.domains.map((d) => d.name)).toContain(name);
      expect((await c.call('domainLookupByUuid', { uuid: dom.uuid })).dom.name).toBe(name);
      const started = await c.call('domainCreateWithFlags', { dom, flags: 0 });
      expect(started.dom.id).toBeGreaterThan(0);
      const live: DomainRef = (await c.call('domainLookupByName', { name })).dom;
      expect(await c.call('domainGetState', { dom: live, flags: 0 })).toMatchObject({ state: 1 });
      await c.call('domainSetMemoryFlags', { dom: live, memory: 65536n, flags: AFFECT_LIVE });
      const info = await c.call('domainGetInfo', { dom: live });
      expect(info.memory).toBe(65536n);
      await c.call('domainSetVcpusFlags', { dom: live, nvcpus: 1, flags: AFFECT_LIVE });
      expect((await c.call('domainGetVcpusFlags', { dom: live, flags: AFFECT_LIVE })).num).toBe(1);
      expect((await c.call('domainGetXmlDesc', { dom: live, flags: 0 })).xml).toContain(name);
      await c.call('domainReboot', { dom: live, flags: 0 });
      await c.call('domainShutdownFlags', { dom: live, flags: 0 });
      expect((await c.call('domainGetState', { dom: live, flags: 0 })).state).toBe(5);
      await c.call('domainCreateWithFlags', { dom: live, flags: 0 });
      await c.call('domainDestroyFlags', { dom: live, flags: 0 });
      await c.call('domainUndefineFlags', { dom: live, flags: 0 });
      await waitUntil('UNDEFINED event', 10_000, () =>
        events.some((e) => e.dom === name && e.event === DomainLifecycle.UNDEFINED),
      );
      const mine = events.filter((e) => e.dom === name).map((e) => e.event);
      expect(mine).toContain(DomainLifecycle.DEFINED);
      expect(mine).toContain(DomainLifecycle.STARTED);
      expect(mine).toContain(DomainLifecycle.STOPPED);
      await sub.unregister();
    });

    it('takes, lists, reverts and deletes snapshots', async () => {
      const { dom } = await c.call('domainLookupByName', { name: 'test' });
      const xml = toXml(el('domainsnapshot', {}, el('name', {}, 'corral-it-snap')));
      const { snap } = await c.call('domainSnapshotCreateXml', { dom, xmlDesc: xml, flags: 0 });
      expect(snap.name).toBe('corral-it-snap');
      const list = await c.call('domainListAllSnapshots', { dom, needResults: true, flags: 0 });
      expect(list.snapshots.map((s) => s.name)).toContain('corral-it-snap');
      expect((await c.call('domainSnapshotCurrent', { dom, flags: 0 })).snap.name).toBe(
        'corral-it-snap',
      );
      const found = await c.call('domainSnapshotLookupByName', {
        dom,
        name: 'corral-it-snap',
        flags: 0,
      });
      expect(found.snap.name).toBe('corral-it-snap');
      const desc = await c.call('domainSnapshotGetXmlDesc', { snap: found.snap, flags: 0 });
      expect(desc.xml).toContain('<name>corral-it-snap</name>');
      expect((await c.call('domainHasCurrentSnapshot', { dom, flags: 0 })).result).toBe(true);
      await c.call('domainRevertToSnapshot', { snap, flags: 0 });
      await c.call('domainSnapshotDelete', { snap, flags: 0 });
      expect((await c.call('domainHasCurrentSnapshot', { dom, flags: 0 })).result).toBe(false);
    });

    it('subscribes again at once after the last unsubscribe (one registration per event)', async () => {
      // libvirtd refuses a second registration of an event on one connection; a new one must
      // wait until the previous deregistration has been handled there.
      for (let i = 0; i < 8; i++) {
        const sub = await c.onDomainEvent('lifecycle', () => {});
        void sub.unregister();
      }
      const last = await c.onDomainEvent('lifecycle', () => {});
      expect(last.callbackID).toBeGreaterThanOrEqual(0);
      await last.unregister();
    });

    it('writes an element into the metadata of a domain and reads it back in its XML', async () => {
      const { dom } = await c.call('domainLookupByName', { name: 'test' });
      const uri = 'https://corral.invalid/it-metadata';
      await c.call('domainSetMetadata', {
        dom,
        type: 2, // VIR_DOMAIN_METADATA_ELEMENT
        metadata: toXml(el('probe', { value: 'corral-it' })),
        key: 'it',
        uri,
        flags: AFFECT_LIVE,
      });
      const { xml } = await c.call('domainGetXmlDesc', { dom, flags: 0 });
      expect(xml).toContain(uri);
      expect(xml).toContain('corral-it');
    });

    it('reads bulk stats and interface addresses', async () => {
      const { retStats } = await c.call('connectGetAllDomainStats', {
        doms: [],
        stats: 0,
        flags: 0,
      });
      const rec = retStats.find((r) => r.dom.name === 'test');
      expect(rec?.params.length).toBeGreaterThan(0);
      const { dom } = await c.call('domainLookupByName', { name: 'test' });
      const { ifaces } = await c.call('domainInterfaceAddresses', { dom, source: 0, flags: 0 });
      expect(ifaces.length).toBeGreaterThan(0);
    });

    it('reports typed errors for jobs and migration the test driver cannot do', async () => {
      const { dom } = await c.call('domainLookupByName', { name: 'test' });
      const abort = await rejectionOf(c.call('domainAbortJob', { dom }));
      expect(abort).toBeInstanceOf(LibvirtError);
      const migrate = await rejectionOf(
        c.call('domainMigratePerform3Params', {
          dom,
          dconnuri: 'test:///default',
          params: [{ field: 'bandwidth', value: { type: 4, value: 100n } }],
          cookieIn: Buffer.alloc(0),
          flags: 2,
        }),
      );
      expect(migrate).toBeInstanceOf(LibvirtError);
      // The target's and the source's last phases: the test driver implements neither.
      const finish = await rejectionOf(
        c.call('domainMigrateFinish3Params', {
          params: [{ field: 'destination_name', value: { type: 7, value: 'test' } }],
          cookieIn: Buffer.alloc(0),
          flags: 1,
          cancelled: 1,
        }),
      );
      expect(finish).toMatchObject({ code: 3 }); // VIR_ERR_NO_SUPPORT
      const confirm = await rejectionOf(
        c.call('domainMigrateConfirm3Params', {
          dom,
          params: [],
          cookieIn: Buffer.alloc(0),
          flags: 1,
          cancelled: 1,
        }),
      );
      expect(confirm).toMatchObject({ code: 3 });
    });

    it('manages storage pools and volumes', async () => {
      const { pools } = await c.call('connectListAllStoragePools', { needResults: true, flags: 0 });
      expect(pools.map((p) => p.name)).toContain('default-pool');
      const { pool } = await c.call('storagePoolLookupByName', { name: 'default-pool' });
      await c.call('storagePoolRefresh', { pool, flags: 0 });
      const { vol } = await c.call('storageVolCreateXml', {
        pool,
        xml: volXml('corral-it-v1', 1 << 20),
        flags: 0,
      });
      const clone = await c.call('storageVolCreateXmlFrom', {
        pool,
        xml: volXml('corral-it-v2', 1 << 20),
        clonevol: vol,
        flags: 0,
      });
      const { vols } = await c.call('storagePoolListAllVolumes', {
        pool,
        needResults: true,
        flags: 0,
      });
      expect(vols.map((v) => v.name)).toEqual(
        expect.arrayContaining(['corral-it-v1', 'corral-it-v2']),
      );
      const found = await c.call('storageVolLookupByName', { pool, name: 'corral-it-v1' });
      expect((await c.call('storageVolGetPath', { vol: found.vol })).name).toContain(
        'corral-it-v1',
      );
      const volDesc = await c.call('storageVolGetXmlDesc', { vol: found.vol, flags: 0 });
      expect(volDesc.xml).toContain('<name>corral-it-v1</name>');
      await c.call('storageVolDelete', { vol: clone.vol, flags: 0 });
      await c.call('storageVolDelete', { vol, flags: 0 });

      const transient = await c.call('storagePoolCreateXml', {
        xml: dirPoolXml('corral-it-tp', '/corral-it-tp'),
        flags: 0,
      });
      await c.call('storagePoolDestroy', { pool: transient.pool });
      const defined = await c.call('storagePoolDefineXml', {
        xml: dirPoolXml('corral-it-dp', '/corral-it-dp'),
        flags: 0,
      });
      await c.call('storagePoolCreate', { pool: defined.pool, flags: 0 });
      await c.call('storagePoolDestroy', { pool: defined.pool });
      await c.call('storagePoolUndefine', { pool: defined.pool });
    });

    it('exercises polkit auth where the daemon does not need it', async () => {
      // Root on the read-write socket gets NONE; AUTH_POLKIT must still answer in kind.
      const r: { complete: boolean } | Error = await c
        .call('authPolkit')
        .catch((e: unknown) => e as Error);
      if (r instanceof Error) expect(r).toBeInstanceOf(LibvirtError);
      else expect(typeof r.complete).toBe('boolean');
    });
  });
}
