import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClientConnection } from '../../api/client';
import type { ClusterSpec } from '../../api/clusters-api';
import type { CorralApi } from '../../api/corral-api';
import type { HostView } from '../../api/hosts-api';
import type { InventoryDelta } from '../../api/inventory-api';
import type { CorralCore } from '../../core/corral-core';
import { corralMetadataElement } from '../../core/metadata/corral-metadata';
import { el, renderXml } from '../../core/xml/xml-element';
import type { DomainRef } from '../../native/libvirt';
import { LocalHost } from './support/local-host';
import { rejectionOf, waitUntil } from './support/wait';
import { coreOnHosts, coreSession } from './support/core-session';

const HOST = 'local';
const prefix = `corral-leak-${process.pid}`;
/** Alice's cluster (a real domain with her membership) and the name her interrupted op holds. */
const CLUSTER = `${prefix}-c`;
const BUSY = `${prefix}-busy`;
const MISSING = `${prefix}-none`;
const SSH_USER = 'leak-probe-user';
const KEY_PATH = '/srv/leak-probe/keys/id_ed25519';

type Api = ClientConnection<CorralApi>['api'];

/** What a refusal says, with the one name the caller typed replaced, to compare two refusals. */
async function refusal(
  p: Promise<unknown>,
  typed: string,
): Promise<{ code: string; text: string }> {
  const err = (await rejectionOf(p)) as { code: string; message: string };
  return { code: err.code, text: err.message.split(typed).join('<name>') };
}

function spec(name: string): ClusterSpec {
  return {
    name,
    nodes: 1,
    vcpus: 1,
    memoryMiB: 256,
    diskGiB: 1,
    nics: [
      {
        source: { kind: 'bridge', bridge: 'br0' },
        addresses: { cidr: '10.99.0.0/24', first: '10.99.0.10', last: '10.99.0.20' },
      },
    ],
    image: 'no-such-image.qcow2',
    placement: { kind: 'round-robin' },
  };
}

describe('plain users: refusals for other users\' things read like "does not exist"', () => {
  const host = new LocalHost(HOST, inject('integrationEnv').libvirtSocket);
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-leak-'));
  const opId = `op-${randomUUID()}`;
  const connections: ClientConnection<CorralApi>[] = [];
  let core: CorralCore | undefined;
  let aliceDomain: DomainRef;
  let aliceId: string;
  let admin: Api;
  let alice: Api;
  let bob: Api;

  const newCore = () => coreOnHosts(dataDir, host);
  const session = (c: CorralCore, id: string): Api => coreSession(c, id, connections);

  beforeAll(async () => {
    const client = await host.connect();
    // First run: the accounts. Then alice's interrupted operation goes in the journal, as a
    // crash would leave it, and Corral starts again over the same data folder.
    const first = newCore();
    await session(first, 'a0').accounts.signUp({ username: 'root-admin', password: 'password-0' });
    aliceId = (
      await session(first, 'a1').accounts.signUp({ username: 'alice', password: 'password-1' })
    ).id;
    await session(first, 'a2').accounts.signUp({ username: 'bob', password: 'password-2' });
    first.dispose();
    const record = {
      id: opId,
      kind: 'create',
      cluster: BUSY,
      ownerId: aliceId,
      status: 'running',
      startedAt: new Date().toISOString(),
      spec: { ...spec(BUSY), sshAuthorizedKeys: [] },
      nodes: [],
    };
    appendFileSync(join(dataDir, 'operations.jsonl'), `${JSON.stringify(record)}\n`);
    core = newCore();
    admin = session(core, 's-admin');
    alice = session(core, 's-alice');
    bob = session(core, 's-bob');
    await admin.accounts.logIn({ username: 'root-admin', password: 'password-0' });
    await alice.accounts.logIn({ username: 'alice', password: 'password-1' });
    await bob.accounts.logIn({ username: 'bob', password: 'password-2' });

    const xml = renderXml(
      el(
        'domain',
        { type: 'qemu' },
        el('name', {}, `${prefix}-alice-0`),
        el(
          'metadata',
          {},
          corralMetadataElement({ cluster: CLUSTER, owner: aliceId, index: 0, operation: 'op-t' }),
        ),
        el('memory', { unit: 'MiB' }, 64),
        el('vcpu', {}, 1),
        el('os', {}, el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm')),
      ),
    );
    aliceDomain = (await client.call('domainDefineXmlFlags', { xml, flags: 0 })).dom;
    await waitUntil("the inventory to read alice's node", 60_000, () =>
      core!.inventory.nameOf({ hostId: HOST, uuid: aliceDomain.uuid }),
    );
    // A host whose connection fails: its error text quotes what only the administrator may see.
    await admin.hosts.add({
      name: `${prefix}-h`,
      address: '127.0.0.1',
      port: 1,
      user: SSH_USER,
      auth: { kind: 'key', keyPath: KEY_PATH },
    });
    await waitUntil('the host connection to fail with an error', 60_000, async () =>
      (await admin.hosts.list({})).some((h) => 'error' in h.status),
    );
  }, 180_000);

  afterAll(async () => {
    for (const c of connections) c.dispose();
    core?.dispose();
    if (aliceDomain)
      await host.client
        ?.call('domainUndefineFlags', { dom: aliceDomain, flags: 0 })
        .catch(() => {});
    await host.client?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("another user's cluster: remove, preview and add nodes answer as for no cluster at all", async () => {
    const placement = { kind: 'round-robin' } as const;
    const calls = [
      (name: string) => bob.clusters.remove({ cluster: name, confirm: [] }),
      (name: string) => bob.clusters.previewAddNodes({ cluster: name, count: 1, placement }),
      (name: string) => bob.clusters.addNodes({ cluster: name, count: 1, placement }),
    ];
    for (const call of calls) {
      const foreign = await refusal(call(CLUSTER), CLUSTER);
      const missing = await refusal(call(MISSING), MISSING);
      expect(foreign).toEqual(missing);
      expect(foreign.code).toBe('not-found');
      expect(foreign.text).not.toMatch(new RegExp(`alice|${aliceId}|${prefix}-alice-0`));
    }
    // Bob's list does not show it; alice's does (the cluster is real).
    expect((await bob.clusters.list({})).map((c) => c.name)).not.toContain(CLUSTER);
    expect((await alice.clusters.list({})).map((c) => c.name)).toContain(CLUSTER);
  });

  it("another user's operation: cancel, resume and roll back answer as for no operation", async () => {
    const other = `op-${randomUUID()}`;
    for (const call of [bob.operations.cancel, bob.operations.resume, bob.operations.rollback]) {
      const foreign = await refusal(call({ id: opId }), opId);
      const missing = await refusal(call({ id: other }), other);
      expect(foreign).toEqual(missing);
      expect(foreign.code).toBe('not-found');
    }
    expect((await bob.operations.list({})).map((o) => o.id)).not.toContain(opId);
    expect((await alice.operations.list({})).map((o) => o.id)).toContain(opId);
  });

  it('a taken cluster name gets one answer whoever holds it, naming no operation or owner', async () => {
    for (const call of [bob.clusters.create, bob.clusters.preview]) {
      const heldByOperation = await refusal(call(spec(BUSY)), BUSY);
      const heldByNodes = await refusal(call(spec(CLUSTER)), CLUSTER);
      const heldByOwnCluster = await refusal(alice.clusters.preview(spec(CLUSTER)), CLUSTER);
      expect(heldByOperation).toEqual(heldByNodes);
      expect(heldByOperation).toEqual(heldByOwnCluster);
      expect(heldByOperation.code).toBe('conflict');
      expect(heldByOperation.text).not.toContain(opId);
      expect(heldByOperation.text).not.toMatch(/alice|interrupted/);
    }
  });

  it("another user's VM: actions and console answer as for a VM that does not exist", async () => {
    const uuid = aliceDomain.uuid;
    const none = randomUUID();
    const act = (u: string) => bob.vm.act({ hostId: HOST, uuid: u, action: 'start' });
    expect(await refusal(act(uuid), uuid)).toEqual(await refusal(act(none), none));
    const open = (u: string) => bob.console.open({ hostId: HOST, uuid: u });
    const foreign = await refusal(open(uuid), uuid);
    expect(foreign).toEqual(await refusal(open(none), none));
    expect(foreign.code).toBe('not-found');
    expect(foreign.text).not.toContain(`${prefix}-alice-0`);
  });

  it("a plain user's host views carry no SSH user, key path or connection error", async () => {
    const secretBits = [SSH_USER, KEY_PATH, 'id_ed25519', 'ECONNREFUSED', '127.0.0.1:1'];
    const adminView = (await admin.hosts.list({})).find((h) => h.name === `${prefix}-h`)!;
    // The administrator sees them all (so the test would notice if nothing were there to hide).
    expect(adminView).toMatchObject({ user: SSH_USER, keyPath: KEY_PATH });
    expect(JSON.stringify(adminView.status)).toMatch(/ECONNREFUSED|id_ed25519/);

    const heard: HostView[][] = [];
    const sub = bob.hosts.onChanged((hosts) => heard.push(hosts));
    await bob.accounts.me({}); // the subscription has landed
    await admin.hosts.reconnect({ id: adminView.id });
    await waitUntil('bob to hear of the host', 30_000, () => heard.length > 0);
    sub.dispose();
    const bobView = (await bob.hosts.list({})).find((h) => h.name === `${prefix}-h`)!;
    expect(bobView).toMatchObject({ name: `${prefix}-h`, user: '' });
    expect(bobView.keyPath).toBeUndefined();
    for (const seen of [JSON.stringify(bobView), JSON.stringify(heard)]) {
      for (const bit of secretBits) expect(seen).not.toContain(bit);
    }
  });

  it("a stale host's connection error reaches the administrator's inventory only", async () => {
    const deltas: InventoryDelta[] = [];
    const sub = bob.inventory.onChanged((d) => deltas.push(d));
    await bob.accounts.me({}); // the subscription has landed
    await host.drop();
    try {
      const staleFor = async (who: Api) =>
        (await who.inventory.snapshot({})).hosts.find((h) => h.hostId === HOST && h.stale);
      const adminFacts = await waitUntil('the host to go stale', 30_000, () => staleFor(admin));
      const reason = adminFacts.staleReason;
      expect(reason).toBeTruthy();
      const bobFacts = await staleFor(bob);
      expect(bobFacts).toMatchObject({ hostId: HOST, stale: true });
      expect(bobFacts?.staleReason).toBeUndefined();
      await waitUntil('bob to hear the host went stale', 30_000, () =>
        deltas.some((d) => d.hosts.some((h) => h.stale)),
      );
      expect(JSON.stringify(deltas)).not.toContain(`"staleReason"`);
      expect(JSON.stringify(deltas)).not.toContain(reason!);
    } finally {
      sub.dispose();
      await host.connect();
      host.announce();
    }
  });
});
