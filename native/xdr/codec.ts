import { XdrError } from './xdr-error';
import type { XdrReader } from './xdr-reader';
import type { XdrWriter } from './xdr-writer';

/**
 * A value's XDR encoding and decoding, as data. Protocol types are built from these combinators
 * (the .x file's grammar in TypeScript), so each procedure is a table row, not a function body.
 */
export interface Codec<T> {
  // Method syntax on purpose: it makes Codec<number> usable where Codec<unknown> is expected.
  enc(w: XdrWriter, v: T): void;
  dec(r: XdrReader): T;
}

/** The TypeScript type a codec reads and writes. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/** No data (a procedure without arguments or result). */
export const xvoid: Codec<void> = { enc: () => {}, dec: () => undefined };
/** Signed 32-bit int. XDR char and short are 4-byte ints too. */
export const xint: Codec<number> = { enc: (w, v) => w.int(v), dec: (r) => r.int() };
/** Unsigned 32-bit int. */
export const xuint: Codec<number> = { enc: (w, v) => w.uint(v), dec: (r) => r.uint() };
/** Signed 64-bit int as bigint. */
export const xhyper: Codec<bigint> = { enc: (w, v) => w.hyper(v), dec: (r) => r.hyper() };
/** Unsigned 64-bit int as bigint. */
export const xuhyper: Codec<bigint> = { enc: (w, v) => w.uhyper(v), dec: (r) => r.uhyper() };
/** IEEE double. */
export const xdouble: Codec<number> = { enc: (w, v) => w.double(v), dec: (r) => r.double() };
/** XDR bool. */
export const xbool: Codec<boolean> = { enc: (w, v) => w.bool(v), dec: (r) => r.bool() };

/** A string of at most `max` bytes. */
export function xstring(max: number): Codec<string> {
  return { enc: (w, v) => w.string(v, max), dec: (r) => r.string(max) };
}

/** Variable-length opaque of at most `max` bytes. */
export function xopaque(max: number): Codec<Buffer> {
  return { enc: (w, v) => w.opaque(v, max), dec: (r) => r.opaque(max) };
}

/** Fixed-length opaque of exactly `n` bytes. */
export function xfixedOpaque(n: number): Codec<Buffer> {
  return { enc: (w, v) => w.fixedOpaque(v, n), dec: (r) => r.fixedOpaque(n) };
}

/** A fixed array of `n` items (`int x[n]`), e.g. char model[32]. */
export function xfixedArray<T>(item: Codec<T>, n: number): Codec<T[]> {
  return {
    enc: (w, v) => {
      if (v.length !== n)
        throw new XdrError('INVALID', `fixed array needs ${n} items, got ${v.length}`);
      for (const x of v) item.enc(w, x);
    },
    dec: (r) => {
      // Each item is at least 4 bytes: refuse before allocating when the input cannot hold them.
      if (r.remaining < n * 4)
        throw new XdrError('SHORT_READ', `fixed array of ${n} items truncated`);
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = item.dec(r);
      return out;
    },
  };
}

/** Variable-length array of at most `max` items. */
export function xarray<T>(item: Codec<T>, max: number): Codec<T[]> {
  return {
    enc: (w, v) => {
      if (v.length > max) throw new XdrError('LIMIT', `array of ${v.length} exceeds limit ${max}`);
      w.uint(v.length);
      for (const x of v) item.enc(w, x);
    },
    dec: (r) => {
      const n = r.length(max, 'array');
      // Every XDR item takes >= 4 bytes: a count the remaining input cannot hold is a lie.
      if (n * 4 > r.remaining) throw new XdrError('SHORT_READ', `array of ${n} items truncated`);
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = item.dec(r);
      return out;
    },
  };
}

/** Optional value (`T *`): a bool, then the value when true. `null` when absent. */
export function xoptional<T>(item: Codec<T>): Codec<T | null> {
  return {
    enc: (w, v) => {
      if (v === null || v === undefined) {
        w.bool(false);
      } else {
        w.bool(true);
        item.enc(w, v);
      }
    },
    dec: (r) => (r.bool() ? item.dec(r) : null),
  };
}

type Fields = Record<string, Codec<unknown>>;
/** The object type of a struct's fields. */
export type StructOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

/** A struct: fields encoded in the object's key order (which must match the .x file). */
export function xstruct<F extends Fields>(fields: F): Codec<StructOf<F>> {
  const names = Object.keys(fields);
  const codecs = names.map((n) => fields[n] as Codec<unknown>);
  const count = names.length;
  return {
    enc: (w, v) => {
      const obj = v as Record<string, unknown>;
      for (let i = 0; i < count; i++) (codecs[i] as Codec<unknown>).enc(w, obj[names[i] as string]);
    },
    dec: (r) => {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < count; i++)
        obj[names[i] as string] = (codecs[i] as Codec<unknown>).dec(r);
      return obj as StructOf<F>;
    },
  };
}

type Arms = Record<number, Codec<unknown>>;
/** A discriminated union's value: `{ type, value }`. */
export type UnionOf<A extends Arms> = {
  [K in keyof A & number]: { type: K; value: Infer<A[K]> };
}[keyof A & number];

/** `union switch (int type)`: unknown discriminants are an {@link XdrError}. */
export function xunion<A extends Arms>(arms: A): Codec<UnionOf<A>> {
  return {
    enc: (w, v) => {
      const arm = arms[v.type];
      if (!arm) throw new XdrError('INVALID', `union has no arm ${v.type}`);
      w.int(v.type);
      arm.enc(w, v.value);
    },
    dec: (r) => {
      const type = r.int();
      const arm = arms[type];
      if (!arm) throw new XdrError('INVALID', `union has no arm ${type}`);
      return { type, value: arm.dec(r) } as UnionOf<A>;
    },
  };
}

/** Maps a wire codec to a friendlier type (e.g. a 16-byte UUID to its string form). */
export function xmap<W, T>(inner: Codec<W>, decode: (w: W) => T, encode: (t: T) => W): Codec<T> {
  return { enc: (w, v) => inner.enc(w, encode(v)), dec: (r) => decode(inner.dec(r)) };
}
