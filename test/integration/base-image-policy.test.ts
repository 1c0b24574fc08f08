import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClientConnection } from '../../api/client';
import type { ClusterSpec, NicSpec } from '../../api/clusters-api';
import type { CorralApi } from '../../api/corral-api';
import { ClusterSpec as ClusterSpecSchema } from '../../api/clusters-api';
import { nodeDomainXml } from '../../core/clusters/node-blueprint';
import type { CorralCore } from '../../core/corral-core';
import { el, renderXml } from '../../core/xml/xml-element';
import type { DomainRef, PoolRef } from '../../native/libvirt';
import { coreOnHosts, coreSession } from './support/core-session';
import { CountingHost } from './support/counting-host';
import { createTestPool, removeTestPool } from './support/test-pool';
import { rejectionOf, waitUntil } from './support/wait';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';

const HOST = 'local';
const tag = `corral-pol-${process.pid}`;
const poolDir = `/var/lib/libvirt/images/${tag}`;
const BASE = 'base.qcow2';
/** Another VM's disk: a qcow2 without a backing file, exactly what a base image looks like. */
const VICTIM = 'victim-disk.qcow2';
const BRIDGE = 'corral-pol0';
const RANGE = '10.99.0.128/25';

/** Procedures that read or change storage, or make a domain: none may run for a refusal. */
const MAKING = /^(storage|connectListAllStoragePools|domainDefine|domainCreate)/;

const nic = (bridge: string, first: string, last: string): NicSpec => ({
  source: { kind: 'bridge', bridge },
  addresses: { cidr: '10.99.0.0/24', first, last },
});

const spec = (over: Partial<ClusterSpec> = {}): ClusterSpec => ({
  name: `${tag}-c`.replace(/[^a-z0-9-]/g, ''),
  nodes: 1,
  vcpus: 1,
  memoryMiB: 128,
  diskGiB: 1,
  nics: [nic(BRIDGE, '10.99.0.150', '10.99.0.159')],
  image: BASE,
  placement: { kind: 'first-fit' },
  sshAuthorizedKeys: [],
  ...over,
});

describe('base images and the network policy are enforced in core before any libvirt call', () => {
  const host = new CountingHost(HOST);
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-pol-'));
  let core: CorralCore;
  let pool: PoolRef;
  let node: DomainRef | undefined;
  const clients: ClientConnection<CorralApi>[] = [];
  let admin: ClientConnection<CorralApi>['api'];
  let alice: ClientConnection<CorralApi>['api'];
  let aliceId: string;

  function session(id: string): ClientConnection<CorralApi>['api'] {
    return coreSession(core, id, clients);
  }

  /** What `fn` asked of handed-out clients, and every procedure sent meanwhile by anyone. */
  async function callsDuring(fn: () => Promise<unknown>) {
    const [seen, sent] = [host.seen.length, host.procedures.length];
    await fn();
    return { handedOut: host.seen.slice(seen), sent: host.procedures.slice(sent) };
  }

  /** Asserts `call` is refused with `code` and a message matching `why`, with no libvirt call. */
  async function refusedWithoutCalls(call: () => Promise<unknown>, code: string, why: RegExp) {
    const calls = await callsDuring(async () => {
      const err = await rejectionOf(call());
      expect(err).toMatchObject({ code, message: expect.stringMatching(why) });
    });
    expect(calls.handedOut).toEqual([]);
    expect(calls.sent.filter((p) => MAKING.test(p))).toEqual([]);
  }

  const ours = (list: { pool: string; name: string; marked: boolean }[]) =>
    list.filter((i) => i.pool === tag).map((i) => `${i.name}:${i.marked ? 'marked' : 'unmarked'}`);

  beforeAll(async () => {
    await host.connect(inject('integrationEnv').libvirtSocket);
    pool = await createTestPool(host.client, tag, poolDir);
    for (const name of [BASE, VICTIM]) {
      const vol = el(
        'volume',
        {},
        el('name', {}, name),
        el('capacity', { unit: 'bytes' }, 64 * 1024 * 1024),
        el('target', {}, el('format', { type: 'qcow2' })),
      );
      await host.client.call('storageVolCreateXml', { pool, xml: renderXml(vol), flags: 0 });
    }
    core = coreOnHosts(dataDir, host);
    admin = session('s-admin');
    alice = session('s-alice');
    await admin.accounts.signUp({ username: 'pol-admin', password: 'admin-password' });
    aliceId = (await alice.accounts.signUp({ username: 'alice', password: 'alice-password' })).id;
    await waitUntil('the inventory to read the host', 60_000, () =>
      core.inventory.snapshot(CORE_ITSELF).hosts.some((h) => h.hostId === HOST && h.cpus > 0),
    );
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.dispose();
    core?.dispose();
    if (node)
      await host.client.call('domainUndefineFlags', { dom: node, flags: 0 }).catch(() => {});
    if (host.client?.connection.isOpen) {
      await removeTestPool(host.client, pool, poolDir);
      await host.client.close();
    }
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('nothing is a base image until marked: a plain user lists none, the administrator candidates', async () => {
    expect(ours(await alice.images.list({}))).toEqual([]);
    expect(ours(await admin.images.list({}))).toEqual([`${BASE}:unmarked`, `${VICTIM}:unmarked`]);
  });

  it("a plain user naming another VM's unmarked disk is refused with zero libvirt calls", async () => {
    await admin.networks.setPolicy({ bridges: [BRIDGE], networks: [], addressRanges: [RANGE] });
    const why = new RegExp(`${VICTIM} is not a base image the administrator has marked`);
    await refusedWithoutCalls(
      () => alice.clusters.create(spec({ image: VICTIM })),
      'forbidden',
      why,
    );
    await refusedWithoutCalls(
      () => alice.clusters.preview(spec({ image: VICTIM })),
      'forbidden',
      why,
    );
    // The administrator too: an unmarked volume backs no cluster for anyone.
    await refusedWithoutCalls(
      () => admin.clusters.create(spec({ image: VICTIM })),
      'forbidden',
      why,
    );
  });

  it('only the administrator marks, and only base image candidates', async () => {
    const ref = { hostId: HOST, pool: tag, name: BASE };
    await refusedWithoutCalls(() => alice.images.mark(ref), 'forbidden', /administrator/);
    await refusedWithoutCalls(() => alice.images.unmark(ref), 'forbidden', /administrator/);
    const missing = await rejectionOf(admin.images.mark({ ...ref, name: 'nope.qcow2' }));
    expect(missing).toMatchObject({ code: 'not-found' });
    expect(ours(await admin.images.list({}))).toEqual([`${BASE}:unmarked`, `${VICTIM}:unmarked`]);
  });

  it('a marked image works through the listing: the plain user lists it and can preview with it', async () => {
    await admin.images.mark({ hostId: HOST, pool: tag, name: BASE });
    expect(ours(await admin.images.list({}))).toEqual([`${BASE}:marked`, `${VICTIM}:unmarked`]);
    expect(ours(await alice.images.list({}))).toEqual([`${BASE}:marked`]);
    // Still not the other disk, though a volume of the host is marked now.
    await refusedWithoutCalls(
      () => alice.clusters.create(spec({ image: VICTIM })),
      'forbidden',
      /not a base image the administrator has marked/,
    );
    const calls = await callsDuring(async () => {
      const preview = await alice.clusters.preview(spec());
      expect(preview.nodes).toEqual([
        expect.objectContaining({ hostId: HOST, addresses: ['10.99.0.150'] }),
      ]);
    });
    // Admitted, it does reach the host (the counter sees the real storage calls).
    expect(calls.handedOut).toContain('call(storagePoolListAllVolumes)');
  });

  it('a disallowed bridge or network, or addresses outside the ranges, are refused with zero libvirt calls', async () => {
    await refusedWithoutCalls(
      () => alice.clusters.create(spec({ nics: [nic('br-other', '10.99.0.150', '10.99.0.159')] })),
      'forbidden',
      /bridge br-other is not allowed for your account; the administrator allows corral-pol0/,
    );
    await refusedWithoutCalls(
      () =>
        alice.clusters.create(
          spec({
            nics: [
              {
                source: { kind: 'network', network: 'default' },
                addresses: { cidr: '10.99.0.0/24', first: '10.99.0.150', last: '10.99.0.151' },
              },
            ],
          }),
        ),
      'forbidden',
      /libvirt network default is not allowed/,
    );
    // One address below the allowed /25 is enough to refuse.
    await refusedWithoutCalls(
      () => alice.clusters.create(spec({ nics: [nic(BRIDGE, '10.99.0.127', '10.99.0.140')] })),
      'forbidden',
      /addresses 10\.99\.0\.127-10\.99\.0\.140 are outside the ranges allowed/,
    );
    await refusedWithoutCalls(
      () => alice.clusters.preview(spec({ nics: [nic(BRIDGE, '10.99.0.250', '10.99.1.5')] })),
      'forbidden',
      /outside the ranges/,
    );
    // The administrator is not restricted: the same NIC passes the policy and reaches the host.
    const calls = await callsDuring(() =>
      admin.clusters.preview(spec({ nics: [nic('br-other', '10.99.0.20', '10.99.0.29')] })),
    );
    expect(calls.handedOut).toContain('call(storagePoolListAllVolumes)');
  });

  it('an empty policy lets a plain user attach to nothing; only the administrator reads or sets it', async () => {
    await refusedWithoutCalls(() => alice.networks.policy({}), 'forbidden', /administrator/);
    await refusedWithoutCalls(
      () => alice.networks.setPolicy({ bridges: ['br0'], networks: [], addressRanges: [] }),
      'forbidden',
      /administrator/,
    );
    const saved = await admin.networks.setPolicy({ bridges: [], networks: [], addressRanges: [] });
    expect(saved).toEqual({ bridges: [], networks: [], addressRanges: [] });
    await refusedWithoutCalls(
      () => alice.clusters.create(spec()),
      'forbidden',
      /bridge corral-pol0 is not allowed for your account; the administrator allows none/,
    );
    const back = await admin.networks.setPolicy({
      bridges: [BRIDGE, BRIDGE],
      networks: [],
      addressRanges: ['10.99.0.200/25'],
    });
    // Stored as it acts: duplicates gone, host bits cleared.
    expect(back).toEqual({ bridges: [BRIDGE], networks: [], addressRanges: [RANGE] });
    expect(await admin.networks.policy({})).toEqual(back);
  });

  it("add nodes re-checks the cluster's recorded image and NICs before any storage call", async () => {
    // A node of alice's as the hosts record it (defined, never started): its spec is host truth.
    const recorded = ClusterSpecSchema.parse(spec({ name: 'polold' }));
    const xml = nodeDomainXml({
      name: 'polold-0',
      vcpus: 1,
      memoryMiB: 128,
      overlayPath: `${poolDir}/polold-0.qcow2`,
      seedPath: `${poolDir}/polold-0-seed.iso`,
      boot: { kind: 'disk' },
      nics: [
        { source: recorded.nics[0]!.source, mac: '52:54:00:aa:bb:01', address: '10.99.0.150/24' },
      ],
      metadata: { cluster: 'polold', owner: aliceId, index: 0, operation: 'op-test' },
      hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPolicyTestKeyPolicyTestKeyPolicyTest0',
      clusterKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPolicyTestKeyPolicyTestKeyPolicyTest1',
      spec: JSON.stringify(recorded),
    });
    node = (await host.client.call('domainDefineXmlFlags', { xml, flags: 0 })).dom;
    await waitUntil('the inventory to see the node', 60_000, () =>
      core.inventory.snapshot(CORE_ITSELF).vms.some((v) => v.membership?.cluster === 'polold'),
    );
    const add = () =>
      alice.clusters.addNodes({ cluster: 'polold', count: 1, placement: { kind: 'first-fit' } });
    /** Refused with `why`; the only calls are reads of the node's own domain. */
    const refusedBeforeStorage = async (code: string, why: RegExp) => {
      const calls = await callsDuring(async () => {
        expect(await rejectionOf(add())).toMatchObject({
          code,
          message: expect.stringMatching(why),
        });
      });
      expect(calls.sent.filter((p) => MAKING.test(p))).toEqual([]);
      expect(
        calls.handedOut.filter((c) => c.startsWith('call(') && !/domain(Lookup|GetXml)/.test(c)),
      ).toEqual([]);
    };
    // Allowed by marks and policy, it gets past them to the next check (this Corral lacks the
    // cluster's key): so a refusal below is the policy's doing.
    await refusedBeforeStorage('conflict', /does not hold the SSH key/);
    await admin.images.unmark({ hostId: HOST, pool: tag, name: BASE });
    await refusedBeforeStorage('forbidden', /base\.qcow2 is not a base image the administrator/);
    await admin.images.mark({ hostId: HOST, pool: tag, name: BASE });
    await admin.networks.setPolicy({ bridges: ['br0'], networks: [], addressRanges: [RANGE] });
    await refusedBeforeStorage('forbidden', /bridge corral-pol0 is not allowed/);
    await admin.networks.setPolicy({ bridges: [BRIDGE], networks: [], addressRanges: [RANGE] });
  });

  it('marks and the policy are kept in the data folder and survive a restart', async () => {
    expect(existsSync(join(dataDir, 'base-images.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'network-policy.json'))).toBe(true);
    const again = coreOnHosts(dataDir, host);
    try {
      expect(again.images.marks.has({ hostId: HOST, pool: tag, name: BASE })).toBe(true);
      expect(again.images.marks.has({ hostId: HOST, pool: tag, name: VICTIM })).toBe(false);
      expect(again.networkPolicy.get()).toEqual({
        bridges: [BRIDGE],
        networks: [],
        addressRanges: [RANGE],
      });
    } finally {
      again.dispose();
    }
  });
});
