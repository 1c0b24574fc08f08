import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACCESS_LEVELS, accessAt, type AccessRules } from '../../../api/access';
import { createClient } from '../../../api/client';
import { event, listEntries, method } from '../../../api/contract';
import { corralAccess } from '../../../api/corral-access';
import { corralApi } from '../../../api/corral-api';
import { serve } from '../../../api/dispatcher';
import { toDisposable } from '../../../api/disposable';
import { CorralError } from '../../../api/errors';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { WireMessage } from '../../../api/wire';
import { AccountsService } from '../../../core/accounts/accounts-service';
import { checkAccess } from '../../../core/accounts/authorization';
import type { OwnerResolver } from '../../../core/accounts/owner-resolver';
import type { CallContext } from '../../../core/call-context';
import { VmRef } from '../../../api/inventory-api';
import {
  OWNER_FIELDS,
  inputNaming,
  policyViolations,
  type OwnerKind,
} from '../../support/contract-owners';

/** Every leaf of a rules tree with its dotted path (to catch rules for entries that are gone). */
function ruleLeaves(rules: object, prefix = ''): string[] {
  return Object.entries(rules).flatMap(([name, value]) =>
    typeof value === 'object' && value !== null
      ? ruleLeaves(value as object, `${prefix}${name}.`)
      : [`${prefix}${name}`],
  );
}

describe('contract access: every entry declares who may use it', () => {
  const entries = listEntries(corralApi);

  it('has an explicit, known rule for every contract entry and none for entries that are gone', () => {
    expect(entries.length).toBeGreaterThan(30);
    const missing = entries.filter(([path]) => accessAt(corralAccess, path) === undefined);
    expect(missing.map(([path]) => path)).toEqual([]);
    for (const [path] of entries) expect(ACCESS_LEVELS).toContain(accessAt(corralAccess, path));
    expect(ruleLeaves(corralAccess).sort()).toEqual(entries.map(([path]) => path).sort());
  });

  it('keeps public only what a connection needs before sign-in', () => {
    const open = entries.map(([p]) => p).filter((p) => accessAt(corralAccess, p) === 'public');
    expect(open.sort()).toEqual([
      'accounts.logIn',
      'accounts.logOut',
      'accounts.me',
      'accounts.signUp',
      'settings.get',
      'settings.onChanged',
    ]);
    expect(accessAt(corralAccess, 'settings.update')).toBe('signed-in');
  });

  it('the gate decides on the input the service gets (parsed, defaults applied), once, before it', async () => {
    const api = {
      act: method(
        z.object({ cluster: z.string().trim(), count: z.number().default(1) }),
        z.object({}),
      ),
    };
    const [serverEnd, clientEnd] = createInMemoryPair();
    const seen: string[] = [];
    serve({
      contract: api,
      impl: { act: (input) => (seen.push(`service ${JSON.stringify(input)}`), {}) },
      access: { act: 'owner:cluster' },
      authorize: (rule, _ctx, path, input) => {
        seen.push(`gate ${rule} ${path} ${JSON.stringify(input)}`);
        if ((input as { cluster: string }).cluster !== 'mine') {
          throw new CorralError('not-found', 'cluster does not exist or is not yours');
        }
      },
      transport: serverEnd,
      context: {},
    });
    const client = createClient(api, clientEnd).api;
    await client.act({ cluster: '  mine ' });
    await expect(client.act({ cluster: 'theirs' })).rejects.toMatchObject({ code: 'not-found' });
    // Bad input never reaches the gate or the service.
    await expect(client.act({ cluster: 7 } as never)).rejects.toMatchObject({
      code: 'bad-request',
    });
    expect(seen).toEqual([
      'gate owner:cluster act {"cluster":"mine","count":1}',
      'service {"cluster":"mine","count":1}',
      'gate owner:cluster act {"cluster":"theirs","count":1}',
    ]);
  });

  it('refuses to serve a contract with an entry that has no rule, instead of letting all in', () => {
    const api = { a: method(z.object({}), z.object({})), b: method(z.object({}), z.object({})) };
    const [serverEnd] = createInMemoryPair();
    const partial = { a: 'public' } as unknown as AccessRules<typeof api>;
    const impl = { a: () => ({}), b: () => ({}) };
    const start = () =>
      serve({
        contract: api,
        impl,
        access: partial,
        authorize: () => {},
        transport: serverEnd,
        context: {},
      });
    expect(start).toThrow(/contract entry b declares no authorization/);
    const bogus = { a: 'public', b: 'everyone' } as unknown as AccessRules<typeof api>;
    expect(() =>
      serve({
        contract: api,
        impl,
        access: bogus,
        authorize: () => {},
        transport: serverEnd,
        context: {},
      }),
    ).toThrow(/contract entry b declares no authorization/);
  });

  it('the policy table: every entry naming a VM, cluster or task is for its owner (or the administrator)', () => {
    expect(policyViolations(corralApi, corralAccess)).toEqual([]);
    // Every kind of owner rule is in use, so the table is not passing by having none.
    const rules = new Set(entries.map(([path]) => accessAt(corralAccess, path)));
    for (const kind of Object.keys(OWNER_FIELDS)) expect(rules).toContain(`owner:${kind}`);
  });

  it('the policy table catches an entry whose rule does not match what its input names', () => {
    const out = z.object({});
    const api = {
      vmPeek: method(VmRef.extend({ detail: z.boolean() }), out),
      vmAdmin: method(VmRef, out),
      clusterGrow: method(z.object({ cluster: z.string(), by: z.number() }), out),
      taskGet: method(z.object({ id: z.string() }), out),
      taskless: method(z.object({ name: z.string() }), out),
      maybeCluster: method(z.object({ cluster: z.string().optional() }), out),
      both: method(VmRef.extend({ cluster: z.string() }), out),
      heard: event(out),
    };
    const rules = {
      vmPeek: 'signed-in',
      vmAdmin: 'admin',
      clusterGrow: 'owner:vm',
      taskGet: 'owner:task',
      taskless: 'owner:task',
      maybeCluster: 'owner:cluster',
      both: 'owner:vm',
      heard: 'owner:vm',
    };
    expect(policyViolations(api, rules)).toEqual([
      'vmPeek: input names a vm, so its rule must be owner:vm, not signed-in',
      'clusterGrow: input names a cluster, so its rule must be owner:cluster, not owner:vm',
      'taskless: rule owner:task but the input does not require id',
      'maybeCluster: rule owner:cluster but the input does not require cluster',
      'both: input names several things (vm, cluster); which owner counts?',
      'heard: rule owner:vm but the input does not require hostId and uuid',
    ]);
    expect(policyViolations(api, { ...rules, vmPeek: undefined })).toContain('vmPeek: no rule');
  });

  describe('through the dispatcher, before any service code runs', { timeout: 60_000 }, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'corral-access-'));
    const accounts = new AccountsService(dataDir);
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
    const reached: string[] = [];

    /** An implementation of every entry that only records being reached. */
    function recordingImpl(): object {
      const root: Record<string, unknown> = {};
      for (const [path, def] of entries) {
        const parts = path.split('.');
        let node = root;
        for (const part of parts.slice(0, -1))
          node = (node[part] ??= {}) as Record<string, unknown>;
        node[parts.at(-1)!] =
          def.kind === 'event'
            ? () => (reached.push(path), toDisposable(() => {}))
            : () => void reached.push(path);
      }
      // The real accounts, so sessions can become someone.
      root.accounts = {
        signUp: (c: { username: string; password: string }, ctx: CallContext) =>
          accounts.signUp(c.username, c.password, ctx),
        logIn: (c: { username: string; password: string }, ctx: CallContext) =>
          accounts.logIn(c.username, c.password, ctx),
        logOut: (_: unknown, ctx: CallContext) => (accounts.logOut(ctx), {}),
        me: (_: unknown, ctx: CallContext) => accounts.me(ctx),
        names: () => void reached.push('accounts.names'),
      };
      return root;
    }

    /** Who owns what, as core's inventory and operations would say; the gate asks this. */
    const owned: Record<OwnerKind, Map<string, string>> = {
      vm: new Map(),
      cluster: new Map(),
      task: new Map(),
    };
    const owners: OwnerResolver = {
      vm: (ref) => owned.vm.get(`${ref.hostId}/${ref.uuid}`),
      cluster: (name) => owned.cluster.get(name),
      task: (id) => owned.task.get(id),
    };

    /** A valid input of each entry, so a refusal below is never the schema's. */
    const validInput = new Map(
      entries.flatMap(([path, def]) =>
        def.kind === 'event' ? [] : [[path, inputNaming(def, {})]],
      ),
    );

    function session() {
      const [serverEnd, clientEnd] = createInMemoryPair();
      serve({
        contract: corralApi,
        impl: recordingImpl() as never,
        access: corralAccess,
        authorize: (rule, ctx, _path, input) => checkAccess(accounts, owners, rule, ctx, input),
        transport: serverEnd,
        context: { sessionId: `s-${Math.random()}` } as CallContext,
      });
      const results = new Map<number, unknown>();
      clientEnd.onMessage((m) => {
        const r = m as { t: string; id?: number };
        if (r.t === 'result' && r.id !== undefined) results.set(r.id, m);
      });
      let next = 1_000_000; // clear of the ids the contract client uses on the same transport
      /** The error a call (or stream open) of `path` gets (undefined: it succeeded). */
      const errorOf = async (
        path: string,
        kind: string,
        input = validInput.get(path),
      ): Promise<{ code: string; message: string } | undefined> => {
        const id = next++;
        const message: WireMessage =
          kind === 'stream'
            ? { t: 'open', id, path, input, credit: 1024 }
            : { t: 'call', id, path, input };
        clientEnd.send(message);
        for (let i = 0; i < 100 && !results.has(id); i++)
          await new Promise((r) => setTimeout(r, 5));
        const result = results.get(id) as {
          ok: boolean;
          error?: { code: string; message: string };
        };
        return result.ok ? undefined : result.error;
      };
      const codeOf = async (path: string, kind: string) => (await errorOf(path, kind))?.code;
      return { client: createClient(corralApi, clientEnd).api, codeOf, errorOf, clientEnd };
    }

    it('refuses every non-public entry to a session that is not signed in', async () => {
      const { codeOf, clientEnd } = session();
      for (const [path, def] of entries) {
        if (accessAt(corralAccess, path) === 'public') continue;
        if (def.kind === 'event') {
          clientEnd.send({ t: 'sub', path });
          continue;
        }
        expect([path, await codeOf(path, def.kind)]).toEqual([path, 'unauthenticated']);
      }
      await new Promise((r) => setTimeout(r, 20));
      expect(reached).toEqual([]);
    });

    it('refuses administrator entries to a plain user, and lets signed-in ones reach the service', async () => {
      const admin = session();
      await admin.client.accounts.signUp({ username: 'root-admin', password: 'password-a' });
      const plain = session();
      await plain.client.accounts.signUp({ username: 'plain-user', password: 'password-p' });
      reached.length = 0;
      for (const [path, def] of entries) {
        if (def.kind === 'event') continue;
        const rule = accessAt(corralAccess, path);
        if (rule === 'admin') {
          expect([path, await plain.codeOf(path, def.kind)]).toEqual([path, 'forbidden']);
        }
      }
      expect(reached).toEqual([]);
      // Past the gate, a signed-in or owner entry meets its input schema, then the service.
      // (the recording service returns nothing, which the dispatcher then rejects as output).
      await expect(plain.client.settings.update({ theme: 'dark' })).rejects.toMatchObject({
        code: 'internal',
      });
      expect(reached).toEqual(['settings.update']);
    });

    it("refuses a plain user's call on another user's VM, cluster or task as not-found before the service; the owner and the administrator get through", async () => {
      const admin = session();
      await admin.client.accounts.logIn({ username: 'root-admin', password: 'password-a' });
      const owner = session();
      const ownerId = (
        await owner.client.accounts.signUp({ username: 'owner-user', password: 'password-o' })
      ).id;
      const other = session();
      await other.client.accounts.signUp({ username: 'other-user', password: 'password-x' });
      const theirs = { hostId: 'h1', uuid: '0badc0de-0000-4000-8000-000000000001' };
      owned.vm.set(`${theirs.hostId}/${theirs.uuid}`, ownerId);
      owned.cluster.set('web', ownerId);
      owned.task.set('op-1', ownerId);
      const targets: Record<
        OwnerKind,
        { named: Record<string, string>; missing: Record<string, string>; typed: [string, string] }
      > = {
        vm: {
          named: theirs,
          missing: { ...theirs, uuid: '0badc0de-0000-4000-8000-000000000002' },
          typed: [theirs.uuid, '0badc0de-0000-4000-8000-000000000002'],
        },
        cluster: {
          named: { cluster: 'web' },
          missing: { cluster: 'gone' },
          typed: ['web', 'gone'],
        },
        task: { named: { id: 'op-1' }, missing: { id: 'op-2' }, typed: ['op-1', 'op-2'] },
      };
      const ownerEntries = entries.filter(([path]) =>
        accessAt(corralAccess, path)?.startsWith('owner:'),
      );
      expect(ownerEntries.length).toBeGreaterThanOrEqual(6);
      for (const [path, def] of ownerEntries) {
        const kind = accessAt(corralAccess, path)!.slice('owner:'.length) as OwnerKind;
        const { named, missing, typed } = targets[kind];
        const input = inputNaming(def, named);
        const absent = inputNaming(def, missing);
        reached.length = 0;
        const foreign = await other.errorOf(path, def.kind, input);
        const none = await other.errorOf(path, def.kind, absent);
        expect([path, foreign?.code]).toEqual([path, 'not-found']);
        // The same words as for a thing that does not exist, but for the name the caller typed.
        expect(foreign?.message.split(typed[0]).join('<name>')).toBe(
          none?.message.split(typed[1]).join('<name>'),
        );
        expect([path, reached]).toEqual([path, []]);
        // The owner gets through to the service, and the administrator even with no owner known.
        expect((await owner.errorOf(path, def.kind, input))?.code).not.toBe('not-found');
        expect((await admin.errorOf(path, def.kind, absent))?.code).not.toBe('not-found');
        expect([path, reached]).toEqual([path, [path, path]]);
      }
    });
  });
});
