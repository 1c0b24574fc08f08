import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { listEntries, type EntryDef } from '../../../api/contract';
import { corralApi } from '../../../api/corral-api';
import { ErrorData } from '../../../api/errors';
import type { Transport } from '../../../api/transport';
import { ResultMessage } from '../../../api/wire';
import { CorralCore } from '../../../core/corral-core';
import { arbitraryOf, type JsonSchema } from './json-schema-arbitrary';

/** What the contract fuzzers share: the entries, their inputs, a raw session, the verdict. */

/** A call still unanswered after this is a hang (generous: a CI machine may be slow). */
export const ANSWER_WITHIN_MS = 10_000;

export const entries = listEntries(corralApi);
/** Every method and stream of the contract, from the contract itself. */
export const callable = entries.filter(([, def]) => def.kind === 'method' || def.kind === 'stream');

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
export function inputFor(def: EntryDef): fc.Arbitrary<unknown> {
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
 * leave this machine. `ids` are ids that exist (hosts added by earlier runs): `id` and `hostId`
 * fields often take one of them, so calls get past "not found" too.
 */
export function validInputFor(
  def: EntryDef,
  dir: string,
  ids: string[] = [],
): fc.Arbitrary<unknown> {
  const schema = z.toJSONSchema(inputSchema(def), { io: 'input', unrepresentable: 'any' });
  const idField = (s: JsonSchema | undefined) =>
    fc.oneof(fc.constantFrom(...ids), arbitraryOf(s ?? { type: 'string' }));
  const fields = (schema as JsonSchema).properties ?? {};
  return arbitraryOf(schema as JsonSchema, {
    address: fc.constantFrom('127.0.0.1', '::1', 'localhost'),
    keyPath: fc.constantFrom(join(dir, 'no-such-key'), dir),
    ...(ids.length > 0 ? { id: idField(fields.id), hostId: idField(fields.hostId) } : {}),
  });
}

/** One client session over any transport, talking raw wire messages. */
export class RawSession {
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
export function expectTyped(path: string, message: unknown): void {
  const parsed = ResultMessage.safeParse(message);
  if (!parsed.success) throw new Error(`${path}: malformed result ${JSON.stringify(message)}`);
  if (parsed.data.ok) return;
  const error = ErrorData.parse(parsed.data.error);
  if (error.code === 'internal') {
    throw new Error(`${path}: an internal error escaped a service: ${error.message}`);
  }
}

/**
 * A real CorralCore on a temporary data folder with no hosts and no daemon behind it (system.info
 * reports it unreachable; nothing leaves this machine), and the unhandled rejections seen while it
 * runs, which every fuzzer expects to stay empty.
 */
export function fuzzedCore(prefix: string) {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let core: CorralCore | undefined;
  return {
    dataDir,
    unhandled,
    start(): CorralCore {
      process.on('unhandledRejection', onUnhandled);
      core = new CorralCore({
        dataDir,
        shell: 'test',
        libvirtSocket: join(dataDir, 'no-libvirt.sock'),
        hosts: { localHost: false, localProbeMs: 0 },
      });
      return core;
    },
    stop(): void {
      process.off('unhandledRejection', onUnhandled);
      core?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
