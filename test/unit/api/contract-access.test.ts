import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACCESS_LEVELS, accessAt, type AccessRules } from '../../../api/access';
import { createClient } from '../../../api/client';
import { listEntries, method } from '../../../api/contract';
import { corralAccess } from '../../../api/corral-access';
import { corralApi } from '../../../api/corral-api';
import { serve } from '../../../api/dispatcher';
import { toDisposable } from '../../../api/disposable';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { WireMessage } from '../../../api/wire';
import { AccountsService } from '../../../core/accounts/accounts-service';
import { checkAccess } from '../../../core/accounts/authorization';
import type { CallContext } from '../../../core/call-context';

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
      };
      return root;
    }

    function session() {
      const [serverEnd, clientEnd] = createInMemoryPair();
      serve({
        contract: corralApi,
        impl: recordingImpl() as never,
        access: corralAccess,
        authorize: (rule, ctx) => checkAccess(accounts, rule, ctx),
        transport: serverEnd,
        context: { sessionId: `s-${Math.random()}` } as CallContext,
      });
      const sent: unknown[] = [];
      const results = new Map<number, unknown>();
      clientEnd.onMessage((m) => {
        sent.push(m);
        const r = m as { t: string; id?: number };
        if (r.t === 'result' && r.id !== undefined) results.set(r.id, m);
      });
      let next = 1_000_000; // clear of the ids the contract client uses on the same transport
      /** The error code a call (or stream open) of `path` gets, with a throwaway input. */
      const codeOf = async (path: string, kind: string): Promise<string | undefined> => {
        const id = next++;
        const message: WireMessage =
          kind === 'stream'
            ? { t: 'open', id, path, input: {}, credit: 1024 }
            : { t: 'call', id, path, input: {} };
        clientEnd.send(message);
        for (let i = 0; i < 100 && !results.has(id); i++)
          await new Promise((r) => setTimeout(r, 5));
        const result = results.get(id) as { ok: boolean; error?: { code: string } };
        return result.ok ? undefined : result.error?.code;
      };
      return { client: createClient(corralApi, clientEnd).api, codeOf, clientEnd };
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
  });
});
