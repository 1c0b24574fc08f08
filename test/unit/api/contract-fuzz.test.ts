import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { CorralCore } from '../../../core/corral-core';
import { serveCorral } from '../../../core/serve-corral';
import {
  RawSession,
  callable,
  entries,
  expectTyped,
  fuzzedCore,
  inputFor,
  validInputFor,
} from './contract-fuzz-support';

/**
 * Random JSON to every method and stream of the contract (the list comes from the contract, so a
 * new entry is fuzzed without touching this file), through the real dispatcher and a real
 * CorralCore on a temporary data folder with no hosts: every call must end in a result, and every
 * failure must be error data ({code, message, detail}) with a code other than 'internal' (an
 * unexpected exception in a service). No hang, no unhandled rejection. fast-check prints the seed
 * and the input of any failure.
 */

/** Runs per entry and per session kind (~35 entries x 2) of random JSON, and of valid input. */
const RUNS = 40;
const RUNS_VALID = 25;
/**
 * Valid credentials cost one deliberately slow scrypt each (and repeated failures are throttled
 * by design), so the methods that take them get a few schema-valid runs only.
 */
const VALID_RUNS: Record<string, number> = { 'accounts.signUp': 3, 'accounts.logIn': 3 };
// A few seconds per property here, more on a busy shared machine; hangs are caught per call.
describe(
  'fuzzing every contract entry through the dispatcher and a real core',
  { timeout: 60_000 },
  () => {
    const fuzz = fuzzedCore('corral-fuzz-');
    const { dataDir, unhandled } = fuzz;
    let core: CorralCore;
    const sessions: Record<'signedIn' | 'signedOut', RawSession> = {} as never;
    const credentials = { username: 'fuzz-admin', password: 'fuzz-admin-password' };

    beforeAll(async () => {
      core = fuzz.start();
      for (const kind of ['signedIn', 'signedOut'] as const) {
        const [serverEnd, clientEnd] = createInMemoryPair();
        serveCorral(core, serverEnd, { sessionId: kind });
        sessions[kind] = new RawSession(clientEnd);
      }
      expectTyped(
        'accounts.signUp',
        await sessions.signedIn.request('method', 'accounts.signUp', credentials),
      );
    });

    afterAll(() => {
      fuzz.stop();
    });

    /** A fuzzed logOut, logIn or signUp may change who a session is: put it back. */
    async function restore(kind: 'signedIn' | 'signedOut'): Promise<void> {
      const session = sessions[kind];
      const me = (await session.request('method', 'accounts.me', {})) as {
        value?: { user: { username: string } | null };
      };
      const who = me.value?.user?.username ?? null;
      if (kind === 'signedOut' && who !== null) {
        expectTyped('accounts.logOut', await session.request('method', 'accounts.logOut', {}));
      } else if (kind === 'signedIn' && who !== credentials.username) {
        expectTyped(
          'accounts.logIn',
          await session.request('method', 'accounts.logIn', credentials),
        );
      }
    }

    it('derives the entries from the contract and covers every method and stream', () => {
      const methods = entries.filter(([, d]) => d.kind === 'method').map(([p]) => p);
      expect(methods.length).toBeGreaterThan(20);
      for (const path of methods) expect(callable.map(([p]) => p)).toContain(path);
      for (const [path, def] of entries.filter(([, d]) => d.kind === 'stream')) {
        expect(callable).toContainEqual([path, def]);
      }
    });

    const cases = [
      ['signedOut', 'any'],
      ['signedIn', 'any'],
      ['signedOut', 'valid'],
      ['signedIn', 'valid'],
    ] as const;
    for (const [kind, inputs] of cases) {
      const who = kind === 'signedIn' ? 'signed in as the administrator' : 'signed out';
      const what = inputs === 'any' ? 'random JSON' : 'random schema-valid input';
      it(`${what} to every method and stream, ${who}, ends in typed errors or values`, async () => {
        const session = sessions[kind];
        for (const [path, def] of callable) {
          const ids = core.hosts.list().map((h) => h.id);
          const arbitrary = inputs === 'any' ? inputFor(def) : validInputFor(def, dataDir, ids);
          const numRuns = inputs === 'valid' ? (VALID_RUNS[path] ?? RUNS_VALID) : RUNS;
          try {
            await fc.assert(
              fc.asyncProperty(arbitrary, async (input) => {
                const result = await session.request(def.kind as 'method' | 'stream', path, input);
                expectTyped(path, result);
                const { ok, id } = result as { ok: boolean; id: number };
                if (def.kind === 'stream' && ok) session.endStream(id);
              }),
              { numRuns },
            );
          } catch (err) {
            throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
          }
          await restore(kind);
        }
        expect(unhandled).toEqual([]);
      });
    }

    it('random wire messages never break the dispatcher: the next call is still answered', async () => {
      const session = sessions.signedOut;
      const known = fc.constantFrom(
        'call',
        'open',
        'sub',
        'unsub',
        'data',
        'credit',
        'end',
        'result',
      );
      const message = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record(
          {
            t: fc.oneof(known, fc.string()),
            id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
            path: fc.oneof(fc.constantFrom(...entries.map(([p]) => p)), fc.string()),
            input: fc.jsonValue({ maxDepth: 2 }),
            credit: fc.oneof(fc.nat(), fc.integer(), fc.double()),
            bytes: fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.jsonValue({ maxDepth: 1 })),
          },
          { requiredKeys: ['t'] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(message, async (m) => {
          session.sendRaw(m);
          expectTyped('accounts.me', await session.request('method', 'accounts.me', {}));
        }),
        { numRuns: RUNS * 5 },
      );
      expect(unhandled).toEqual([]);
    });
  },
);
