import { duplexPair } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Codec, XdrError, XdrReader, XdrWriter } from '../../native/xdr';
import { beginPacket, endPacket, readHeader } from '../../native/libvirt/packet';
import {
  FrameDecoder,
  LibvirtRpcError,
  MessageStatus,
  MessageType,
  RpcConnection,
  MESSAGE_MAX,
  STRING_MAX,
  domainEvents,
  procedures,
  remoteError,
} from '../../native/libvirt';

/**
 * Fuzzes the decoder of every reply the client can receive: each procedure's result in the
 * procedure table (so a new procedure is covered without touching this file), the error body and
 * the event bodies. Whatever the bytes, a decode ends in a value or an XdrError; never another
 * exception, never a hang. fast-check prints the seed and the shrunk input of any failure.
 */

/** Runs per decoder and per property: ~60 decoders x 3 properties take about a second. */
const RUNS = 100;

const replies: Array<[string, Codec<unknown>]> = [
  ...Object.entries(procedures).map(
    ([name, spec]) => [`${name} reply`, spec.ret as Codec<unknown>] as [string, Codec<unknown>],
  ),
  ['remote_error', remoteError as Codec<unknown>],
  ...Object.entries(domainEvents).map(
    ([name, spec]) => [`${name} event`, spec.body as Codec<unknown>] as [string, Codec<unknown>],
  ),
];

/** Decodes a reply body the way RpcConnection does: the codec, then no trailing bytes. */
function decode(
  codec: Codec<unknown>,
  bytes: Uint8Array,
): { value: unknown } | { error: XdrError } {
  const r = new XdrReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  try {
    const value = codec.dec(r);
    r.finish('reply');
    return { value };
  } catch (err) {
    // Anything but XdrError (a TypeError, a RangeError from Buffer) is a decoder bug.
    if (!(err instanceof XdrError)) throw err;
    return { error: err };
  }
}

type Gen = fc.GeneratorValue;

// Arbitrary builders for fc.gen are module constants: gen replays and shrinks by builder identity,
// and a fresh closure per draw makes shrinking run away.
/** Mostly small values, so union discriminants and enums hit their arms. */
const anyInt = () => fc.oneof(fc.integer({ min: -1, max: 8 }), fc.integer());
const anyUint = () =>
  fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 0xffffffff }));

/**
 * Stands in for an XdrReader while a codec "decodes": every read draws a random valid value and
 * writes its encoding. The codec's own structure thus yields a valid encoding of its type, with
 * no generator written per type. Lengths stay small so nested lists stay cheap.
 */
class EncodingReader {
  constructor(
    private readonly g: Gen,
    readonly w: XdrWriter,
  ) {}
  /** Codecs check counts against what is left; a generator has all the room it wants. */
  readonly remaining = MESSAGE_MAX;
  readonly offset = 0;
  int(): number {
    const v = this.g(anyInt);
    this.w.int(v);
    return v;
  }
  uint(): number {
    const v = this.g(anyUint);
    this.w.uint(v);
    return v;
  }
  hyper(): bigint {
    const v = this.g(fc.bigInt, { min: -(2n ** 63n), max: 2n ** 63n - 1n });
    this.w.hyper(v);
    return v;
  }
  uhyper(): bigint {
    const v = this.g(fc.bigInt, { min: 0n, max: 2n ** 64n - 1n });
    this.w.uhyper(v);
    return v;
  }
  double(): number {
    const v = this.g(fc.double);
    this.w.double(v);
    return v;
  }
  bool(): boolean {
    const v = this.g(fc.boolean);
    this.w.bool(v);
    return v;
  }
  length(max: number): number {
    const n = this.g(fc.nat, { max: Math.min(max, 3) });
    this.w.uint(n);
    return n;
  }
  string(max: number): string {
    const v = this.g(fc.string, { maxLength: Math.min(max, 24), unit: 'grapheme' });
    this.w.string(v, max);
    return v;
  }
  fixedOpaque(n: number): Buffer {
    const v = Buffer.from(this.g(fc.uint8Array, { minLength: n, maxLength: n }));
    this.w.fixedOpaque(v, n);
    return v;
  }
  fixedOpaqueHex(n: number): string {
    return this.fixedOpaque(n).toString('hex');
  }
  opaque(max: number): Buffer {
    const v = Buffer.from(this.g(fc.uint8Array, { maxLength: Math.min(max, 24) }));
    this.w.opaque(v, max);
    return v;
  }
  finish(): void {}
}

/** A valid encoding of `codec`'s type, or null when the draw hit an invalid union arm. */
function validEncoding(codec: Codec<unknown>, g: Gen): Buffer | null {
  const reader = new EncodingReader(g, new XdrWriter(256));
  try {
    codec.dec(reader as unknown as XdrReader);
  } catch (err) {
    if (err instanceof XdrError && err.code === 'INVALID') return null;
    throw err;
  }
  return reader.w.copy();
}

/** Length words a hostile or broken peer would send: limits, limits + 1, the whole range. */
const lengthWord = fc.oneof(
  fc.constantFrom(
    0xffffffff,
    0x80000000,
    0x7fffffff,
    STRING_MAX,
    STRING_MAX + 1,
    16384,
    16385,
    262145,
    MESSAGE_MAX,
  ),
  fc.nat({ max: 0xffffffff }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: lengthWord }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.nat({ max: 16 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
);

function mutate(
  bytes: Buffer,
  steps: Array<typeof mutation extends fc.Arbitrary<infer M> ? M : never>,
): Buffer {
  let out = Buffer.from(bytes);
  for (const m of steps) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === 'byte' && out.length > 0) out[at] = m.value;
    else if (m.kind === 'word' && out.length >= 4)
      out.writeUInt32BE(m.value, Math.min(at & ~3, out.length - 4));
    else if (m.kind === 'cut')
      out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.value)]);
    else if (m.kind === 'insert')
      out = Buffer.concat([out.subarray(0, at), Buffer.from([m.value]), out.subarray(at)]);
  }
  return out;
}

/** fc.assert with the decoder's name on the failure (fast-check adds seed, path and input). */
function check<Ts>(name: string, property: fc.IProperty<Ts>): void {
  try {
    fc.assert(property, { numRuns: RUNS });
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`, { cause: err });
  }
}

// A few seconds per property here, more on a busy shared machine; hangs are caught per call.
describe('fuzzing the decoder of every libvirt reply', { timeout: 60_000 }, () => {
  it('covers every procedure of the table, the error body and every event', () => {
    const covered = new Set(replies.map(([name]) => name));
    for (const name of Object.keys(procedures)) expect(covered).toContain(`${name} reply`);
    for (const name of Object.keys(domainEvents)) expect(covered).toContain(`${name} event`);
    expect(covered).toContain('remote_error');
  });

  it('random bytes end in a value or an XdrError', () => {
    for (const [name, codec] of replies) {
      check(
        name,
        fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
          decode(codec, bytes);
        }),
      );
    }
  });

  it('valid encodings decode, and every truncation of them fails with SHORT_READ', () => {
    for (const [name, codec] of replies) {
      check(
        name,
        fc.property(fc.gen(), (g) => {
          const bytes = validEncoding(codec, g);
          fc.pre(bytes !== null);
          const whole = decode(codec, bytes as Buffer);
          if ('error' in whole)
            throw new Error(`${name}: valid bytes refused: ${whole.error.message}`);
          for (let cut = 0; cut < (bytes as Buffer).length; cut++) {
            const part = decode(codec, (bytes as Buffer).subarray(0, cut));
            if (!('error' in part) || part.error.code !== 'SHORT_READ') {
              throw new Error(`${name}: a ${cut}-byte prefix did not fail with SHORT_READ`);
            }
          }
        }),
      );
    }
  });

  it('mutated valid encodings (bytes, huge length words, cuts, inserts) end in a value or an XdrError', () => {
    for (const [name, codec] of replies) {
      check(
        name,
        fc.property(fc.gen(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (g, steps) => {
          const bytes = validEncoding(codec, g);
          fc.pre(bytes !== null);
          decode(codec, mutate(bytes as Buffer, steps));
        }),
      );
    }
  });

  it('a huge length word at every position of a valid encoding ends in a value or an XdrError', () => {
    const huge = [0xffffffff, 0x80000000, 0x7fffffff, MESSAGE_MAX, STRING_MAX + 1, 262145, 16385];
    for (const [name, codec] of replies) {
      check(
        name,
        fc.property(fc.gen(), (g) => {
          const bytes = validEncoding(codec, g);
          fc.pre(bytes !== null);
          for (let at = 0; at + 4 <= (bytes as Buffer).length; at += 4) {
            for (const word of huge) {
              const bad = Buffer.from(bytes as Buffer);
              bad.writeUInt32BE(word, at);
              // A decoder that trusted the word would throw RangeError or run out of memory here.
              decode(codec, bad);
            }
          }
        }),
      );
    }
  });

  it('a reply body of random or mutated bytes fails only its call; the connection serves the next', async () => {
    const [ours, theirs] = duplexPair();
    const conn = new RpcConnection(ours, { keepaliveIntervalMs: 0 });
    const peer = new FrameDecoder();
    let answer = (): Buffer => Buffer.alloc(0);
    theirs.on('data', (chunk: Buffer) =>
      peer.push(chunk, (f) => {
        const h = readHeader(f);
        const w = new XdrWriter(undefined, MESSAGE_MAX);
        const at = beginPacket(w, { ...h, type: MessageType.REPLY, status: MessageStatus.OK });
        w.raw(answer());
        endPacket(w, at);
        theirs.write(w.copy());
      }),
    );
    const names = Object.keys(procedures) as Array<keyof typeof procedures>;
    const hostname = procedures.connectGetHostname;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.gen(),
        fc.array(mutation, { maxLength: 3 }),
        fc.boolean(),
        fc.uint8Array({ maxLength: 64 }),
        async (name, g, steps, random, junk) => {
          const spec = procedures[name];
          const valid = validEncoding(spec.ret as Codec<unknown>, g);
          const body = random || valid === null ? Buffer.from(junk) : mutate(valid, steps);
          answer = () => body;
          const args = validEncoding(spec.args as Codec<unknown>, g);
          fc.pre(args !== null);
          // Arguments are irrelevant to the peer: send the call with raw, valid argument bytes.
          const raw: Codec<Buffer> = { enc: (w, v) => w.raw(v), dec: () => Buffer.alloc(0) };
          const outcome = await conn
            .call(spec.proc, raw, args as Buffer, spec.ret as Codec<unknown>)
            .then(
              () => 'value',
              (err: unknown) => err,
            );
          if (outcome !== 'value') {
            expect(outcome).toBeInstanceOf(LibvirtRpcError);
            expect((outcome as LibvirtRpcError).code).toBe('PROTOCOL');
            expect((outcome as LibvirtRpcError).cause).toBeInstanceOf(XdrError);
          }
          const w = new XdrWriter();
          hostname.ret.enc(w, { hostname: 'alive' });
          const alive = w.copy();
          answer = () => alive;
          const next = await conn.call(hostname.proc, hostname.args, undefined, hostname.ret);
          expect(next.hostname).toBe('alive');
        },
      ),
      { numRuns: RUNS },
    );
    expect(conn.isOpen).toBe(true);
    await conn.close();
  });
});
