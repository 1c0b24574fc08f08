import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ClientConnection } from '../../api/client';
import type { CorralApi } from '../../api/corral-api';
import { CorralError } from '../../api/errors';
import type { InventoryDelta } from '../../api/inventory-api';
import type { CorralCore } from '../../core/corral-core';
import { corralMetadataElement } from '../../core/metadata/corral-metadata';
import { el, renderXml } from '../../core/xml/xml-element';
import type { DomainRef } from '../../native/libvirt';
import { coreOnHosts, coreSession } from './support/core-session';
import { CountingHost } from './support/counting-host';
import { rejectionOf, waitUntil } from './support/wait';

const HOST = 'local';
const prefix = `corral-acct-${process.pid}`;

/** An inactive domain; with `owner`, Corral's membership metadata names that account. */
function domainXml(name: string, owner?: string): string {
  return renderXml(
    el(
      'domain',
      { type: 'qemu' },
      el('name', {}, name),
      owner !== undefined &&
        el(
          'metadata',
          {},
          corralMetadataElement({ cluster: `${prefix}-c`, owner, index: 0, operation: 'op-t' }),
        ),
      el('memory', { unit: 'MiB' }, 64),
      el('vcpu', {}, 1),
      el('os', {}, el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm')),
      el(
        'devices',
        {},
        el('serial', { type: 'pty' }, el('target', { port: 0 })),
        el('console', { type: 'pty' }, el('target', { type: 'serial', port: 0 })),
      ),
    ),
  );
}

describe('accounts: ownership is enforced in core before any libvirt call', () => {
  const host = new CountingHost(HOST);
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-acct-'));
  let core: CorralCore;
  const clients: ClientConnection<CorralApi>[] = [];
  const defined: DomainRef[] = [];
  let owned: DomainRef;
  let foreign: DomainRef;
  let alice: ClientConnection<CorralApi>['api'];
  let bob: ClientConnection<CorralApi>['api'];
  let admin: ClientConnection<CorralApi>['api'];
  let nobody: ClientConnection<CorralApi>['api'];
  let aliceId: string;
  const deltas: Record<'alice' | 'bob', InventoryDelta[]> = { alice: [], bob: [] };

  /** A contract client with a session of its own, as a browser or a window would have. */
  function session(id: string): ClientConnection<CorralApi>['api'] {
    return coreSession(core, id, clients);
  }

  /** Runs `fn` and returns what it asked of the libvirt clients handed out meanwhile. */
  async function callsDuring(fn: () => Promise<unknown>): Promise<string[]> {
    const before = host.seen.length;
    await fn();
    return host.seen.slice(before);
  }

  const ref = (dom: DomainRef) => ({ hostId: HOST, uuid: dom.uuid });
  const hasVm = (d: InventoryDelta, uuid: string) => d.upserts.some((v) => v.uuid === uuid);

  beforeAll(async () => {
    await host.connect(inject('integrationEnv').libvirtSocket);
    core = coreOnHosts(dataDir, host);
    admin = session('s-admin');
    alice = session('s-alice');
    bob = session('s-bob');
    nobody = session('s-nobody');
    await admin.accounts.signUp({ username: 'root-admin', password: 'admin-password' });
    aliceId = (await alice.accounts.signUp({ username: 'alice', password: 'alice-password' })).id;
    await bob.accounts.signUp({ username: 'bob', password: 'bob-password' });
    alice.inventory.onChanged((d) => deltas.alice.push(d));
    bob.inventory.onChanged((d) => deltas.bob.push(d));
    // Let the subscriptions land before anything changes.
    await alice.accounts.me({});
    await bob.accounts.me({});

    for (const [name, owner] of [
      [`${prefix}-owned`, aliceId],
      [`${prefix}-foreign`, undefined],
    ] as const) {
      const xml = domainXml(name, owner);
      defined.push((await host.client.call('domainDefineXmlFlags', { xml, flags: 0 })).dom);
    }
    [owned, foreign] = [defined[0]!, defined[1]!];
    await waitUntil('the inventory to read both domains', 60_000, () =>
      defined.every((d) => core.inventory.nameOf(ref(d))),
    );
    await waitUntil('alice to be told about her VM', 30_000, () =>
      deltas.alice.some((d) => hasVm(d, owned.uuid)),
    );
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.dispose();
    core?.dispose();
    for (const dom of defined) {
      await host.client.call('domainUndefineFlags', { dom, flags: 0 }).catch(() => {});
    }
    await host.client?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first account is the administrator, the others plain users', async () => {
    await expect(admin.accounts.me({})).resolves.toMatchObject({ user: { role: 'admin' } });
    await expect(bob.accounts.me({})).resolves.toMatchObject({ user: { role: 'user' } });
  });

  it('the inventory shows each user their own VMs only; the administrator sees all', async () => {
    const uuids = async (c: typeof alice) =>
      (await c.inventory.snapshot({})).vms.map((v) => v.uuid);
    expect(await uuids(alice)).toContain(owned.uuid);
    expect(await uuids(alice)).not.toContain(foreign.uuid);
    expect(await uuids(bob)).not.toContain(owned.uuid);
    expect(await uuids(bob)).not.toContain(foreign.uuid);
    expect(await uuids(admin)).toEqual(expect.arrayContaining([owned.uuid, foreign.uuid]));
    // Host facts stay visible to everyone signed in (placement needs them).
    expect((await bob.inventory.snapshot({})).hosts.map((h) => h.hostId)).toContain(HOST);
    // Live changes too: bob was subscribed while alice's VM appeared and heard nothing of it.
    expect(deltas.bob.some((d) => hasVm(d, owned.uuid) || hasVm(d, foreign.uuid))).toBe(false);
    await expect(nobody.inventory.snapshot({})).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it("a VM's load history is read by its owner and the administrator only; a host's by anyone signed in", async () => {
    const vm = (dom: DomainRef) => ({ subjects: [{ kind: 'vm' as const, ...ref(dom) }] });
    const answer = await alice.inventory.history(vm(owned));
    expect(answer.series).toHaveLength(1);
    expect(answer.windowMs).toBe(15 * 60_000);
    await expect(admin.inventory.history(vm(owned))).resolves.toMatchObject({ series: [{}] });
    await expect(admin.inventory.history(vm(foreign))).resolves.toMatchObject({ series: [{}] });
    const refused = await rejectionOf(bob.inventory.history(vm(owned)));
    expect(refused).toMatchObject({ code: 'not-found' });
    expect((refused as Error).message).not.toContain(`${prefix}-owned`);
    // One foreign VM among the subjects refuses the whole call.
    const mixed = { subjects: [...vm(owned).subjects, ...vm(foreign).subjects] };
    await expect(alice.inventory.history(mixed)).rejects.toMatchObject({ code: 'not-found' });
    const hostSubject = { subjects: [{ kind: 'host' as const, hostId: HOST }] };
    await expect(bob.inventory.history(hostSubject)).resolves.toMatchObject({ series: [{}] });
    await expect(nobody.inventory.history(hostSubject)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('owner names: the administrator resolves every account, a user only their own', async () => {
    const all = await admin.accounts.names({});
    expect(all[aliceId]).toBe('alice');
    expect(Object.values(all)).toEqual(expect.arrayContaining(['root-admin', 'alice', 'bob']));
    expect(await alice.accounts.names({})).toEqual({ [aliceId]: 'alice' });
    expect(Object.values(await bob.accounts.names({}))).toEqual(['bob']);
    await expect(nobody.accounts.names({})).rejects.toMatchObject({ code: 'unauthenticated' });
    // A cluster's owner comes with the name, for its owner and for the administrator.
    const owned = async (c: typeof alice) =>
      (await c.clusters.list({})).find((x) => x.name === `${prefix}-c`);
    expect(await owned(alice)).toMatchObject({ ownerId: aliceId, ownerName: 'alice' });
    expect(await owned(admin)).toMatchObject({ ownerId: aliceId, ownerName: 'alice' });
  });

  it("another user's vm.act and console.open are refused with no libvirt call", async () => {
    for (const action of ['start', 'force-off', 'reboot', 'shutdown'] as const) {
      const calls = await callsDuring(async () => {
        const err = await rejectionOf(bob.vm.act({ ...ref(owned), action }));
        expect(err).toMatchObject({ code: 'not-found' });
        // Nothing about the VM leaks: not even its name.
        expect((err as Error).message).not.toContain(`${prefix}-owned`);
      });
      expect(calls).toEqual([]);
    }
    const consoleCalls = await callsDuring(async () => {
      await expect(bob.console.open(ref(owned))).rejects.toMatchObject({ code: 'not-found' });
    });
    expect(consoleCalls).toEqual([]);
    await expect(bob.console.sessions({})).resolves.toEqual([]);
  });

  it("a VM that is not Corral's is the administrator's only", async () => {
    const calls = await callsDuring(async () => {
      await expect(alice.vm.act({ ...ref(foreign), action: 'start' })).rejects.toMatchObject({
        code: 'not-found',
      });
      await expect(alice.console.open(ref(foreign))).rejects.toMatchObject({ code: 'not-found' });
    });
    expect(calls).toEqual([]);
  });

  it('without a session user nothing reaches libvirt', async () => {
    const calls = await callsDuring(async () => {
      await expect(nobody.vm.act({ ...ref(owned), action: 'start' })).rejects.toMatchObject({
        code: 'unauthenticated',
      });
      await expect(nobody.console.open(ref(owned))).rejects.toMatchObject({
        code: 'unauthenticated',
      });
    });
    expect(calls).toEqual([]);
  });

  it('the owner and the administrator do reach libvirt (the counter sees real calls)', async () => {
    // The domain is shut off: libvirt itself refuses these, after Corral let them through.
    const ownerCalls = await callsDuring(async () => {
      await expect(alice.vm.act({ ...ref(owned), action: 'force-off' })).rejects.toBeInstanceOf(
        CorralError,
      );
      await expect(alice.console.open(ref(owned))).rejects.toMatchObject({ code: 'conflict' });
    });
    expect(ownerCalls).toEqual(
      expect.arrayContaining(['call(domainLookupByUuid)', 'call(domainDestroyFlags)']),
    );
    expect(ownerCalls).toContain('openStream(domainOpenConsole)');
    const adminCalls = await callsDuring(() =>
      rejectionOf(admin.vm.act({ ...ref(foreign), action: 'force-off' })),
    );
    expect(adminCalls).toContain('call(domainDestroyFlags)');
  });

  it("a VM's removal reaches its owner and not the others", async () => {
    const removed = (d: InventoryDelta) => d.removals.some((r) => r.uuid === owned.uuid);
    await host.client.call('domainUndefineFlags', { dom: owned, flags: 0 });
    await waitUntil('alice to hear of the removal', 30_000, () => deltas.alice.some(removed));
    // Both subscriptions get each batch in the same turn: bob's list is complete by now.
    expect(deltas.bob.some(removed)).toBe(false);
    await expect(alice.accounts.me({})).resolves.toBeDefined();
    expect(deltas.bob.some(removed)).toBe(false);
  });
});
