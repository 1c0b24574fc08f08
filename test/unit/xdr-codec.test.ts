import { describe, expect, it } from 'vitest';
import {
  XdrError,
  XdrReader,
  XdrWriter,
  xarray,
  xbool,
  xdouble,
  xfixedOpaque,
  xhyper,
  xint,
  xopaque,
  xoptional,
  xstring,
  xstruct,
  xuhyper,
  xuint,
  xunion,
  type Codec,
} from '../../native/xdr';

function roundTrip<T>(c: Codec<T>, v: T): { bytes: Buffer; back: T } {
  const w = new XdrWriter(8);
  c.enc(w, v);
  const bytes = w.copy();
  const r = new XdrReader(bytes);
  const back = c.dec(r);
  r.finish('value');
  return { bytes, back };
}

function decodeError(c: Codec<unknown>, bytes: Buffer): XdrError {
  try {
    c.dec(new XdrReader(bytes));
  } catch (err) {
    expect(err).toBeInstanceOf(XdrError);
    return err as XdrError;
  }
  throw new Error('decode did not fail');
}

describe('XDR primitives', () => {
  it('encodes ints big-endian in 4 bytes', () => {
    expect(roundTrip(xint, -2).bytes.toString('hex')).toBe('fffffffe');
    expect(roundTrip(xuint, 0xdeadbeef).back).toBe(0xdeadbeef);
  });

  it('round-trips hypers, doubles and bools', () => {
    expect(roundTrip(xhyper, -(2n ** 63n)).back).toBe(-(2n ** 63n));
    expect(roundTrip(xuhyper, 2n ** 64n - 1n).bytes.toString('hex')).toBe('ffffffffffffffff');
    expect(roundTrip(xdouble, 1.5).back).toBe(1.5);
    expect(roundTrip(xbool, true).bytes.toString('hex')).toBe('00000001');
  });

  it('pads strings and opaque data to 4 bytes', () => {
    const { bytes, back } = roundTrip(xstring(100), 'héllo');
    expect(bytes.length).toBe(4 + 8);
    expect(bytes.readUInt32BE(0)).toBe(6);
    expect(back).toBe('héllo');
    expect(roundTrip(xopaque(10), Buffer.from([1, 2, 3])).bytes.toString('hex')).toBe(
      '0000000301020300',
    );
    expect(roundTrip(xfixedOpaque(3), Buffer.from([9, 9, 9])).bytes.length).toBe(4);
  });

  it('encodes optionals as bool + value', () => {
    const c = xoptional(xint);
    expect(roundTrip(c, null).bytes.toString('hex')).toBe('00000000');
    expect(roundTrip(c, 7).bytes.toString('hex')).toBe('0000000100000007');
    expect(roundTrip(c, 7).back).toBe(7);
  });

  it('round-trips structs, arrays and unions', () => {
    const c = xstruct({
      name: xstring(64),
      ids: xarray(xint, 4),
      v: xunion({ 1: xint, 7: xstring(64) }),
    });
    const v = { name: 'a', ids: [1, 2, 3], v: { type: 7 as const, value: 'x' } };
    expect(roundTrip(c, v).back).toEqual(v);
  });
});

describe('XDR bounds', () => {
  it('rejects a string longer than its limit before reading it', () => {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32BE(0xffffffff, 0);
    expect(decodeError(xstring(4 * 1024 * 1024), bytes).code).toBe('LIMIT');
  });

  it('rejects an array count above its limit', () => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(16385, 0);
    expect(decodeError(xarray(xint, 16384), bytes).code).toBe('LIMIT');
  });

  it('rejects an array count that the remaining input cannot hold, before allocating', () => {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32BE(16000, 0);
    expect(decodeError(xarray(xint, 16384), bytes).code).toBe('SHORT_READ');
  });

  it('fails on truncated input with SHORT_READ', () => {
    expect(decodeError(xint, Buffer.alloc(3)).code).toBe('SHORT_READ');
    expect(decodeError(xhyper, Buffer.alloc(7)).code).toBe('SHORT_READ');
    const s = Buffer.alloc(6);
    s.writeUInt32BE(5, 0);
    expect(decodeError(xstring(10), s).code).toBe('SHORT_READ');
  });

  it('rejects bad bools and unknown union arms', () => {
    expect(decodeError(xbool, Buffer.from('00000002', 'hex')).code).toBe('INVALID');
    expect(decodeError(xunion({ 1: xint }), Buffer.from('0000000900000000', 'hex')).code).toBe(
      'INVALID',
    );
  });

  it('refuses to encode values beyond limits or ranges', () => {
    const w = new XdrWriter();
    expect(() => xstring(3).enc(w, 'four')).toThrow(XdrError);
    expect(() => xint.enc(w, 2 ** 31)).toThrow(XdrError);
    expect(() => xarray(xint, 1).enc(w, [1, 2])).toThrow(XdrError);
    expect(() => new XdrWriter(16, 64).opaque(Buffer.alloc(100), 1000)).toThrow(XdrError);
  });

  it('reports trailing bytes', () => {
    const r = new XdrReader(Buffer.alloc(8));
    r.int();
    expect(() => r.finish('x')).toThrow(XdrError);
  });

  it('never throws anything but XdrError on random input', () => {
    const c = xstruct({
      a: xstring(1024),
      b: xarray(xstruct({ k: xstring(64), v: xunion({ 1: xint, 3: xhyper, 7: xstring(64) }) }), 64),
      c: xoptional(xopaque(1024)),
    });
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.alloc(Math.floor(rand() * 64));
      for (let j = 0; j < buf.length; j++) buf[j] = rand() < 0.5 ? 0 : Math.floor(rand() * 256);
      try {
        c.dec(new XdrReader(buf));
      } catch (err) {
        expect(err).toBeInstanceOf(XdrError);
      }
    }
  });
});
