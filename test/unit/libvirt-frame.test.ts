import { describe, expect, it } from 'vitest';
import { XdrError, XdrReader, XdrWriter } from '../../native/xdr';
import {
  FrameDecoder,
  MESSAGE_MAX,
  procedures,
  remoteError,
  typedParam,
  uuid,
} from '../../native/libvirt';
import { beginPacket, endPacket, readHeader } from '../../native/libvirt/packet';

function frame(body: Buffer, serial = 1): Buffer {
  const w = new XdrWriter();
  const at = beginPacket(w, { prog: 0x20008086, vers: 1, proc: 59, type: 1, serial, status: 0 });
  w.raw(body);
  endPacket(w, at);
  return w.copy();
}

describe('FrameDecoder', () => {
  it('splits frames across and inside chunks', () => {
    const a = frame(Buffer.from('aaaa'), 1);
    const b = frame(Buffer.from('bbbbbbbb'), 2);
    const all = Buffer.concat([a, b, a]);
    for (let cut = 1; cut < all.length; cut += 3) {
      const d = new FrameDecoder();
      const got: number[] = [];
      d.push(all.subarray(0, cut), (f) => got.push(readHeader(f).serial));
      d.push(all.subarray(cut), (f) => got.push(readHeader(f).serial));
      expect(got).toEqual([1, 2, 1]);
      expect(d.pending).toBe(0);
    }
  });

  it('handles one byte at a time', () => {
    const all = Buffer.concat([frame(Buffer.alloc(12), 5), frame(Buffer.alloc(0), 6)]);
    const d = new FrameDecoder();
    const got: number[] = [];
    for (const byte of all) d.push(Buffer.from([byte]), (f) => got.push(readHeader(f).serial));
    expect(got).toEqual([5, 6]);
  });

  it('rejects a huge length word as soon as it arrives', () => {
    const d = new FrameDecoder();
    const bad = Buffer.alloc(4);
    bad.writeUInt32BE(MESSAGE_MAX + 1, 0);
    expect(() => d.push(bad, () => {})).toThrow(XdrError);
    const d2 = new FrameDecoder();
    d2.push(bad.subarray(0, 2), () => {});
    expect(() => d2.push(bad.subarray(2), () => {})).toThrow(XdrError);
  });

  it('rejects a length shorter than the header', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32BE(8, 0);
    expect(() => new FrameDecoder().push(bad, () => {})).toThrow(/outside/);
  });
});

describe('remote protocol types', () => {
  it('round-trips UUIDs as strings', () => {
    const w = new XdrWriter();
    uuid.enc(w, '6695eb01-f6a4-8304-79aa-97f2502e193f');
    expect(w.length).toBe(16);
    expect(uuid.dec(new XdrReader(w.copy()))).toBe('6695eb01-f6a4-8304-79aa-97f2502e193f');
  });

  it('encodes typed params as a union on int', () => {
    const w = new XdrWriter();
    typedParam.enc(w, { field: 'bandwidth', value: { type: 4, value: 100n } });
    const r = new XdrReader(w.copy());
    expect(typedParam.dec(r)).toEqual({ field: 'bandwidth', value: { type: 4, value: 100n } });
  });

  it('decodes remote_error with optional fields', () => {
    const w = new XdrWriter();
    remoteError.enc(w, {
      code: 39,
      domain: 7,
      message: 'unknown procedure: 9999',
      level: 2,
      dom: null,
      str1: null,
      str2: null,
      str3: null,
      int1: -1,
      int2: -1,
      net: null,
    });
    expect(remoteError.dec(new XdrReader(w.copy())).message).toBe('unknown procedure: 9999');
  });

  it('has unique procedure numbers in the table', () => {
    const nums = Object.values(procedures).map((p) => p.proc);
    expect(new Set(nums).size).toBe(nums.length);
  });

  it('decodes NODE_GET_INFO model as a string of 32 XDR chars', () => {
    const w = new XdrWriter();
    procedures.nodeGetInfo.ret.enc(w, {
      model: 'x86_64',
      memory: 1n,
      cpus: 2,
      mhz: 3,
      nodes: 1,
      sockets: 1,
      cores: 2,
      threads: 1,
    });
    expect(w.length).toBe(32 * 4 + 8 + 6 * 4);
    expect(procedures.nodeGetInfo.ret.dec(new XdrReader(w.copy())).model).toBe('x86_64');
  });
});
