import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEntries, type EntryDef } from '../../../api/contract';
import { corralApi } from '../../../api/corral-api';
import { serve } from '../../../api/dispatcher';
import { ErrorData } from '../../../api/errors';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { Transport } from '../../../api/transport';
import { ResultMessage } from '../../../api/wire';
import { CorralCore } from '../../../core/corral-core';
import { arbitraryOf, type JsonSchema } from './json-schema-arbitrary';

/**
 * Random JSON to every method and stream of the contract (the list comes from the contract, so a
 * new entry is fuzzed without touching this file), through the real dispatcher and a real
 * CorralCore on a temporary data folder with no hosts: every call must end in a result, and every
 * failure must be error data ({code, message, detail}) with a code other than 'internal' (an
 * unexpected exception in a service). No hang, no unhandled rejection. fast-check prints the seed
 * and the input of any failure.
 */

/** Runs per entry, per session kind and per input kind (~35 entries x 2 x 2). */
const RUNS = 40;
/**
 * Valid credentials cost one deliberately slow scrypt each (and repeated failures are throttled
 * by design), so the methods that take them get a few schema-valid runs only.
 */
const VALID_RUNS: Record<string, number> = { 'accounts.signUp': 3, 'accounts.logIn': 3 };
/** A call still unanswered after this is a hang (generous: a CI machine may be slow). */
const ANSWER_WITHIN_MS = 10_000;

const entries = listEntries(corralApi);
const callable = entries.filter(([, def]) => def.kind === 'method' || def.kind === 'stream');

/** Field names of an input schema (objects and unions of objects), to aim values at them. */
function fieldsOf(schema: z.ZodType): string[] {
  const def = schema as unknown as { shape?: Record<string, unknown>; options?: z.ZodType[] };
  if (def.shape && typeof def.shape === 'object') return Object.keys(def.shape);
  if (Array.isArray(def.options)) return [...new Set(def.options.flatMap((o) => fieldsOf(o)))];
  return [];
}

function inputSchema(def: EntryDef): z.ZodType {
  if (def.kind === 'method') return def.input;
  if (def.kind === 'stream') return def.open;
  return def.payload;
}

/** Any JSON, or an object with the schema's own field names holding any JSON (gets past shape checks). */
function inputFor(def: EntryDef): fc.Arbitrary<unknown> {
  const fields = fieldsOf(inputSchema(def));
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.constantFrom(
      '',
      'local',
      'x'.repeat(300),
      '../../etc/passwd',
      '00000000-0000-0000-0000-000000000000',
    ),
  );
  if (fields.length === 0) return fc.jsonValue({ maxDepth: 3 });
  const shaped = fc.record(Object.fromEntries(fields.map((f) => [f, value])), {
    requiredKeys: [],
  });
  return fc.oneof(fc.jsonValue({ maxDepth: 3 }), shaped);
}

/**
 * Inputs that pass the entry's schema, so the call reaches the service. Host addresses stay on
 * loopback and key files inside `dir`: a valid hosts.add starts connecting, and nothing may
 * leave this machine.
 */
function validInputFor(def: EntryDef, dir: string): fc.Arbitrary<unknown> {
  const schema = z.toJSONSchema(inputSchema(def), { io: 'input', unrepresentable: 'any' });
  return arbitraryOf(schema as JsonSchema, {
    address: fc.constantFrom('127.0.0.1', '::1', 'localhost'),
    keyPath: fc.constantFrom(join(dir, 'no-such-key'), dir),
  });
}

/** One client session over the in-memory transport, talking raw wire messages. */
class RawSession {
  // Far above the ids fuzzed wire messages carry, so their results are never taken for ours.
  private nextId = 2 ** 40;
  private readonly waiting = new Map<number, (message: unknown) => void>();
  readonly strays: unknown[] = [];

  constructor(private readonly end: Transport) {
    end.onMessage((message) => {
      const id = (message as { id?: unknown }).id;
      const t = (message as { t?: unknown }).t;
      const resolve = typeof id === 'number' && t === 'result' ? this.waiting.get(id) : undefined;
      if (resolve) {
        this.waiting.delete(id as number);
        resolve(message);
      } else if (t === 'result') {
        this.strays.push(message);
      }
    });
  }

  /** Sends a call (or a stream open) and waits for its result message. */
  request(kind: 'method' | 'stream', path: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${path}: no answer within ${ANSWER_WITHIN_MS} ms (a hang)`)),
        ANSWER_WITHIN_MS,
      );
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
    this.end.send(
      kind === 'method'
        ? { t: 'call', id, path, input }
        : { t: 'open', id, path, input, credit: 65536 },
    );
    return answered;
  }

  /** Sends anything at all as a wire message. */
  sendRaw(message: unknown): void {
    this.end.send(message as never);
  }

  /** Ends an accepted stream so it does not linger. */
  endStream(id: number): void {
    this.end.send({ t: 'end', id });
  }
}

/** The result must be a well-formed result message; a failure must be typed error data. */
function expectTyped(path: string, message: unknown): void {
  const parsed = ResultMessage.safeParse(message);
  if (!parsed.success) throw new Error(`${path}: malformed result ${JSON.stringify(message)}`);
  if (parsed.data.ok) return;
  const error = ErrorData.parse(parsed.data.error);
  if (error.code === 'internal') {
    throw new Error(`${path}: an internal error escaped a service: ${error.message}`);
  }
}

describe('fuzzing every contract entry through the dispatcher and a real core', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-fuzz-'));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let core: CorralCore;
  const sessions: Record<'signedIn' | 'signedOut', RawSession> = {} as never;
  const credentials = { username: 'fuzz-admin', password: 'fuzz-admin-password' };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    core = new CorralCore({
      dataDir,
      shell: 'test',
      // No daemon behind it: system.info reports it unreachable; nothing leaves this machine.
      libvirtSocket: join(dataDir, 'no-libvirt.sock'),
      hosts: { localHost: false, localProbeMs: 0 },
    });
    for (const kind of ['signedIn', 'signedOut'] as const) {
      const [serverEnd, clientEnd] = createInMemoryPair();
      serve({
        contract: corralApi,
        impl: core.api,
        transport: serverEnd,
        context: { sessionId: kind },
      });
      sessions[kind] = new RawSession(clientEnd);
    }
    expectTyped(
      'accounts.signUp',
      await sessions.signedIn.request('method', 'accounts.signUp', credentials),
    );
  });

  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
    core?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
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
      expectTyped('accounts.logIn', await session.request('method', 'accounts.logIn', credentials));
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
        const arbitrary = inputs === 'any' ? inputFor(def) : validInputFor(def, dataDir);
        const numRuns = inputs === 'valid' ? (VALID_RUNS[path] ?? RUNS) : RUNS;
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
});
