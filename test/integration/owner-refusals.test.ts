import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accessAt } from '../../api/access';
import { listEntries, type EntryDef } from '../../api/contract';
import { corralAccess } from '../../api/corral-access';
import { corralApi } from '../../api/corral-api';
import type { Disposable } from '../../api/disposable';
import { createInMemoryPair } from '../../api/in-memory-transport';
import type { CorralCore } from '../../core/corral-core';
import { corralMetadataElement } from '../../core/metadata/corral-metadata';
import { serveCorral } from '../../core/serve-corral';
import { TaskEngine } from '../../core/tasks/task-engine';
import { el, renderXml } from '../../core/xml/xml-element';
import type { DomainRef } from '../../native/libvirt';
import { inputNaming, type OwnerKind } from '../support/contract-owners';
import { RawSession } from '../unit/api/contract-fuzz-support';
import { coreOnHosts } from './support/core-session';
import { CountingHost } from './support/counting-host';
import { waitUntil } from './support/wait';

const HOST = 'local';
const prefix = `corral-own-${process.pid}`;
/** Alice's cluster: one defined, never started domain carrying her membership metadata. */
const CLUSTER = `${prefix}-c`;
/** A cluster alice's interrupted create holds: no node exists, her operation names it. */
const CREATING = `${prefix}-new`;
/**
 * Tries per refusal. The counter sees every procedure on the host's connection, the inventory's
 * own polling included; a refusal is the same every time, so a call it made would show in every
 * try, while the poller's rarely falls in even one of these millisecond windows.
 */
const TRIES = 5;

type Answer = { ok: boolean; error?: { code: string; message: string } };

/** Something of alice's that an input can name, and a missing thing of the same kind. */
interface Target {
  kind: OwnerKind;
  label: string;
  named: Record<string, string>;
  missing: Record<string, string>;
  /** The name the caller typed in each, replaced before two refusals are compared. */
  typed: [string, string];
}

describe("a plain user's call on another user's VM, cluster or task: not-found, with zero libvirt calls", () => {
  const host = new CountingHost(HOST);
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-own-'));
  const opId = `op-${randomUUID()}`;
  const served: Disposable[] = [];
  let core: CorralCore | undefined;
  let domain: DomainRef | undefined;
  let aliceId: string;
  let taskId: string;
  let admin: RawSession;
  let bob: RawSession;
  const targets: Target[] = [];

  /** Every owner:* entry of the contract, from its declared rules (new entries included). */
  const ownerEntries = listEntries(corralApi).flatMap(([path, def]) => {
    const rule = accessAt(corralAccess, path);
    return rule?.startsWith('owner:')
      ? [{ path, def, kind: rule.slice('owner:'.length) as OwnerKind }]
      : [];
  });

  /** A raw session on `c`, signed in as `username`. */
  async function signedIn(c: CorralCore, username: string, password: string, signUp = false) {
    const [serverEnd, clientEnd] = createInMemoryPair();
    served.push(serveCorral(c, serverEnd, { sessionId: `s-${username}-${randomUUID()}` }));
    const session = new RawSession(clientEnd);
    const path = signUp ? 'accounts.signUp' : 'accounts.logIn';
    const answer = (await session.request('method', path, { username, password })) as Answer & {
      value?: { id: string };
    };
    expect(answer.ok).toBe(true);
    return { session, id: answer.value!.id };
  }

  const request = (s: RawSession, def: EntryDef, path: string, input: unknown) =>
    s.request(def.kind === 'stream' ? 'stream' : 'method', path, input) as Promise<Answer>;

  /** The answer to one call, and what reached libvirt meanwhile (by anyone, and via services). */
  async function measured(s: RawSession, def: EntryDef, path: string, input: unknown) {
    const [seen, sent] = [host.seen.length, host.procedures.length];
    const answer = await request(s, def, path, input);
    return { answer, handedOut: host.seen.slice(seen), sent: host.procedures.slice(sent) };
  }

  beforeAll(async () => {
    await host.connect(inject('integrationEnv').libvirtSocket);
    // The accounts first; then alice's interrupted create goes in the journal, as a crash
    // leaves it, and Corral starts again on the same data folder.
    const first = coreOnHosts(dataDir, host);
    await signedIn(first, 'own-admin', 'password-0', true);
    aliceId = (await signedIn(first, 'alice', 'password-1', true)).id;
    await signedIn(first, 'bob', 'password-2', true);
    for (const s of served.splice(0)) s.dispose();
    first.dispose();
    const record = {
      id: opId,
      kind: 'create',
      cluster: CREATING,
      ownerId: aliceId,
      status: 'running',
      startedAt: new Date().toISOString(),
      spec: {
        name: CREATING,
        nodes: 1,
        vcpus: 1,
        memoryMiB: 128,
        diskGiB: 1,
        nics: [
          {
            source: { kind: 'bridge', bridge: 'br0' },
            addresses: { cidr: '10.99.0.0/24', first: '10.99.0.10', last: '10.99.0.20' },
          },
        ],
        image: 'none.qcow2',
        placement: { kind: 'first-fit' },
        sshAuthorizedKeys: [],
      },
      nodes: [],
    };
    appendFileSync(join(dataDir, 'operations.jsonl'), `${JSON.stringify(record)}\n`);
    // And a task of hers, journaled by an engine on the same file as Corral's, that stopped
    // while it ran (the runner is this test's: the task only needs to exist and be hers).
    const engine = new TaskEngine({ file: join(dataDir, 'tasks.jsonl') });
    engine.register({ kind: 'image-upload', cancellable: true, run: () => new Promise(() => {}) });
    const task = await engine.start({
      kind: 'image-upload',
      ownerId: aliceId,
      title: 'Upload base.qcow2',
      targets: [{ kind: 'image', hostId: HOST, pool: 'default', volume: 'base.qcow2' }],
      state: {},
    });
    taskId = task.id;
    await engine.close();
    core = coreOnHosts(dataDir, host);
    admin = (await signedIn(core, 'own-admin', 'password-0')).session;
    bob = (await signedIn(core, 'bob', 'password-2')).session;

    const xml = renderXml(
      el(
        'domain',
        { type: 'qemu' },
        el('name', {}, `${prefix}-0`),
        el(
          'metadata',
          {},
          corralMetadataElement({ cluster: CLUSTER, owner: aliceId, index: 0, operation: 'op-x' }),
        ),
        el('memory', { unit: 'MiB' }, 64),
        el('vcpu', {}, 1),
        el('os', {}, el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm')),
      ),
    );
    domain = (await host.client.call('domainDefineXmlFlags', { xml, flags: 0 })).dom;
    const ref = { hostId: HOST, uuid: domain.uuid };
    await waitUntil("the inventory to read alice's node", 60_000, () => core!.owners.vm(ref));

    const none = randomUUID();
    targets.push(
      {
        kind: 'vm',
        label: 'her VM',
        named: ref,
        missing: { ...ref, uuid: none },
        typed: [ref.uuid, none],
      },
      {
        kind: 'cluster',
        label: 'her cluster',
        named: { cluster: CLUSTER },
        missing: { cluster: `${prefix}-none` },
        typed: [CLUSTER, `${prefix}-none`],
      },
      {
        kind: 'cluster',
        label: 'the cluster her operation is creating',
        named: { cluster: CREATING },
        missing: { cluster: `${prefix}-none` },
        typed: [CREATING, `${prefix}-none`],
      },
      {
        kind: 'task',
        label: 'her task',
        named: { id: taskId },
        missing: { id: `t-${none}` },
        typed: [taskId, `t-${none}`],
      },
      {
        kind: 'task',
        label: 'her operation',
        named: { id: opId },
        missing: { id: `op-${none}` },
        typed: [opId, `op-${none}`],
      },
    );
  }, 180_000);

  afterAll(async () => {
    for (const s of served) s.dispose();
    core?.dispose();
    if (domain) await host.client.call('domainUndefineFlags', { dom: domain, flags: 0 });
    await host.client?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("every target is alice's as the gate resolves it (so a refusal below is about ownership)", () => {
    for (const t of targets) {
      const c = core!;
      const owner =
        t.kind === 'vm'
          ? c.owners.vm({ hostId: t.named.hostId!, uuid: t.named.uuid! })
          : t.kind === 'cluster'
            ? c.owners.cluster(t.named.cluster!)
            : c.owners.task(t.named.id!);
      expect([t.label, owner]).toEqual([t.label, aliceId]);
    }
    // The contract has owner rules of every kind (the loop below is not vacuous).
    expect(new Set(ownerEntries.map((e) => e.kind))).toEqual(new Set(['vm', 'cluster', 'task']));
  });

  it('every owner:* entry, on each of her things: refused as not-found, the same words as for a missing one, and no libvirt procedure', async () => {
    for (const { path, def, kind } of ownerEntries) {
      for (const t of targets.filter((x) => x.kind === kind)) {
        const where = `${path} on ${t.label}`;
        let quiet = 0;
        const noise: string[][] = [];
        for (let i = 0; i < TRIES && quiet === 0; i++) {
          const { answer, handedOut, sent } = await measured(
            bob,
            def,
            path,
            inputNaming(def, t.named, 11 + i),
          );
          expect([where, answer.error?.code]).toEqual([where, 'not-found']);
          // No service asked for the host's connection at all.
          expect([where, handedOut]).toEqual([where, []]);
          if (sent.length === 0) quiet++;
          else noise.push(sent);
        }
        expect([where, quiet > 0 ? 'no procedure' : noise]).toEqual([where, 'no procedure']);
        const foreign = await request(bob, def, path, inputNaming(def, t.named));
        const missing = await request(bob, def, path, inputNaming(def, t.missing));
        const words = (a: Answer, typed: string) => a.error?.message.split(typed).join('<name>');
        expect([where, words(foreign, t.typed[0])]).toEqual([where, words(missing, t.typed[1])]);
      }
    }
  });

  it('the administrator gets past the gate to the host on the same things (the counter sees it)', async () => {
    const vm = targets.find((t) => t.kind === 'vm')!;
    const entry = (p: string) => ownerEntries.find((e) => e.path === p)!.def;
    // A console of a shut-off domain: looked up on the host, then refused by libvirt's answer.
    const opened = await measured(admin, entry('console.open'), 'console.open', vm.named);
    expect(opened.answer.ok).toBe(false);
    expect(opened.handedOut).toContain('libvirt(local)');
    // Her cluster's nodes are read from the host before anything is planned.
    const input = { cluster: CLUSTER, count: 1, placement: { kind: 'first-fit' } };
    const preview = await measured(
      admin,
      entry('clusters.previewAddNodes'),
      'clusters.previewAddNodes',
      input,
    );
    expect(preview.answer.error?.code).not.toBe('not-found');
    expect(preview.handedOut.some((c) => c.startsWith('call('))).toBe(true);
  });
});
