import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClientConnection } from '../../api/client';
import type { ClusterSpec } from '../../api/clusters-api';
import type { CorralApi } from '../../api/corral-api';
import { ClusterSpec as ClusterSpecSchema } from '../../api/clusters-api';
import { nodeDomainXml } from '../../core/clusters/node-blueprint';
import { parseNodeDetails } from '../../core/clusters/node-metadata';
import type { CorralCore } from '../../core/corral-core';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';
import { el, renderXml } from '../../core/xml/xml-element';
import type { DomainRef, PoolRef } from '../../native/libvirt';
import { coreOnHosts, coreSession } from './support/core-session';
import { CountingHost } from './support/counting-host';
import { createTestPool, removeTestPool } from './support/test-pool';
import { rejectionOf, waitUntil } from './support/wait';

const HOST = 'local';
const tag = `corral-plan-${process.pid}`;
const poolDir = `/var/lib/libvirt/images/${tag}`;
const BASE = 'base.qcow2';
/** No such bridge: a node's start fails before any guest runs, and its creation rolls back. */
const BRIDGE = 'corral-plan0';
const RANGE = '10.98.0.128/25';

const spec = (name: string): ClusterSpec => ({
  name,
  nodes: 1,
  vcpus: 1,
  memoryMiB: 128,
  diskGiB: 1,
  nics: [
    {
      source: { kind: 'bridge', bridge: BRIDGE },
      addresses: { cidr: '10.98.0.0/24', first: '10.98.0.150', last: '10.98.0.159' },
    },
  ],
  image: BASE,
  placement: { kind: 'first-fit' },
  sshAuthorizedKeys: [],
});

/**
 * Create confirms a preview: given the preview's plan id, core builds the placement that was
 * shown (host, names, addresses), not a new plan from what changed meanwhile, and refuses a plan
 * that was used, changed or no longer holds. Host truth is the XML core defines on libvirtd.
 */
describe('create with a plan id builds exactly the previewed placement', () => {
  const host = new CountingHost(HOST);
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-plan-'));
  const clients: ClientConnection<CorralApi>[] = [];
  /** Domain XML core defined, in order (seen on the wire to libvirtd). */
  const defined: string[] = [];
  let core: CorralCore;
  let pool: PoolRef;
  let blocker: DomainRef | undefined;
  let alice: ClientConnection<CorralApi>['api'];
  let aliceId: string;

  /** A defined, never started node of another cluster of alice's holding `address`. */
  async function defineBlocker(address: string): Promise<void> {
    const recorded = ClusterSpecSchema.parse(spec('planblock'));
    const xml = nodeDomainXml({
      name: `${tag}-block-0`,
      vcpus: 1,
      memoryMiB: 128,
      overlayPath: `${poolDir}/block-0.qcow2`,
      seedPath: `${poolDir}/block-0-seed.iso`,
      boot: { kind: 'disk' },
      nics: [
        { source: recorded.nics[0]!.source, mac: '52:54:00:aa:bb:02', address: `${address}/24` },
      ],
      metadata: { cluster: 'planblock', owner: aliceId, index: 0, operation: 'op-plan-test' },
      hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlanIdTestKeyPlanIdTestKeyPlanIdTestK0',
      clusterKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlanIdTestKeyPlanIdTestKeyPlanIdTestK1',
      spec: JSON.stringify(recorded),
    });
    blocker = (await host.client.call('domainDefineXmlFlags', { xml, flags: 0 })).dom;
    await waitUntil('the inventory to see the blocker', 60_000, () =>
      core.inventory.snapshot(CORE_ITSELF).vms.some((v) => v.membership?.cluster === 'planblock'),
    );
  }

  async function removeBlocker(): Promise<void> {
    if (!blocker) return;
    await host.client.call('domainUndefineFlags', { dom: blocker, flags: 0 });
    blocker = undefined;
    await waitUntil('the inventory to drop the blocker', 60_000, () =>
      core.inventory.snapshot(CORE_ITSELF).vms.every((v) => v.membership?.cluster !== 'planblock'),
    );
  }

  beforeAll(async () => {
    await host.connect(inject('integrationEnv').libvirtSocket);
    const call = host.client.call.bind(host.client);
    host.client.call = ((name: string, args: { xml?: string }, ...rest: unknown[]) => {
      if (name === 'domainDefineXmlFlags' && args.xml) defined.push(args.xml);
      return (call as (...a: unknown[]) => unknown)(name, args, ...rest);
    }) as typeof host.client.call;
    pool = await createTestPool(host.client, tag, poolDir);
    const vol = el(
      'volume',
      {},
      el('name', {}, BASE),
      el('capacity', { unit: 'bytes' }, 64 * 1024 * 1024),
      el('target', {}, el('format', { type: 'qcow2' })),
    );
    await host.client.call('storageVolCreateXml', { pool, xml: renderXml(vol), flags: 0 });
    core = coreOnHosts(dataDir, host);
    const admin = coreSession(core, 's-admin', clients);
    alice = coreSession(core, 's-alice', clients);
    await admin.accounts.signUp({ username: 'plan-admin', password: 'admin-password' });
    aliceId = (await alice.accounts.signUp({ username: 'alice', password: 'alice-password' })).id;
    await waitUntil('the inventory to read the host', 60_000, () =>
      core.inventory.snapshot(CORE_ITSELF).hosts.some((h) => h.hostId === HOST && h.cpus > 0),
    );
    await admin.images.mark({ hostId: HOST, pool: tag, name: BASE });
    await admin.networks.setPolicy({ bridges: [BRIDGE], networks: [], addressRanges: [RANGE] });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.dispose();
    core?.dispose();
    if (blocker) {
      await host.client.call('domainUndefineFlags', { dom: blocker, flags: 0 }).catch(() => {});
    }
    if (host.client?.connection.isOpen) {
      await removeTestPool(host.client, pool, poolDir);
      await host.client.close();
    }
    rmSync(poolDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lands the previewed address although a re-plan would now choose another', async () => {
    const name = 'planexact';
    await defineBlocker('10.98.0.150');
    const preview = await alice.clusters.preview(spec(name));
    expect(preview.planId).toMatch(/^plan-/);
    expect(preview.nodes).toEqual([
      { index: 0, name: `${name}-0`, hostId: HOST, addresses: ['10.98.0.151'] },
    ]);
    // .150 is free again: planning now would hand it out.
    await removeBlocker();
    expect((await alice.clusters.preview(spec(name))).nodes[0]!.addresses).toEqual(['10.98.0.150']);

    const op = await alice.clusters.create({ ...spec(name), planId: preview.planId });
    expect(op.nodes.map((n) => [n.name, n.hostId])).toEqual([[`${name}-0`, HOST]]);
    // The operation is a view over its task: same id, each node a step whose detail is its phase.
    const ended = await core.clusters.settled(op.id);
    expect(ended).toMatchObject({ status: 'failed', error: expect.stringMatching(BRIDGE) });
    expect(await alice.tasks.get({ id: op.id })).toMatchObject({
      kind: 'cluster-create',
      status: 'failed',
      steps: [{ id: `${name}-0`, status: 'failed', detail: 'failed', hostId: HOST }],
    });
    expect((await alice.operations.list({})).find((o) => o.id === op.id)?.status).toBe('failed');
    const node = defined.map(parseNodeDetails).find((d) => d?.cluster === name);
    expect(node).toMatchObject({ name: `${name}-0`, index: 0, owner: aliceId });
    expect(node!.nics.map((n) => n.address)).toEqual(['10.98.0.151/24']);

    // Used once: confirming the same preview again is refused, nothing is defined.
    const count = defined.length;
    const again = await rejectionOf(
      alice.clusters.create({ ...spec(name), planId: preview.planId }),
    );
    expect(again).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/preview again/),
    });
    expect(defined.length).toBe(count);
  }, 180_000);

  it('refuses a plan for other inputs, an unknown one, and one whose address was taken since', async () => {
    const name = 'planrefused';
    const count = defined.length;
    const preview = await alice.clusters.preview(spec(name));
    expect(preview.nodes[0]!.addresses).toEqual(['10.98.0.150']);
    const changed = await rejectionOf(
      alice.clusters.create({ ...spec(name), vcpus: 2, planId: preview.planId }),
    );
    expect(changed).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/made for other inputs than these; preview again/),
    });
    const unknown = await rejectionOf(
      alice.clusters.create({ ...spec(name), planId: 'plan-not-one-of-ours' }),
    );
    expect(unknown).toMatchObject({ code: 'not-found', message: expect.stringMatching(/unknown/) });

    const fresh = await alice.clusters.preview(spec(name));
    await defineBlocker('10.98.0.150');
    const taken = await rejectionOf(alice.clusters.create({ ...spec(name), planId: fresh.planId }));
    expect(taken).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/10\.98\.0\.150 of the previewed placement is in use now/),
    });
    expect(defined.length - count).toBe(1); // the blocker alone
    await removeBlocker();
  }, 180_000);
});
