import { duplexPair, type Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { XdrWriter } from '../../native/xdr';
import {
  FrameDecoder,
  LibvirtError,
  LibvirtRpcError,
  LibvirtStream,
  MESSAGE_MAX,
  MessageStatus,
  MessageType,
  RpcConnection,
  procedures,
  remoteError,
  type RpcConnectionOptions,
} from '../../native/libvirt';
import { beginPacket, endPacket, readHeader, type PacketHeader } from '../../native/libvirt/packet';

/** A scripted libvirtd: decodes our frames and lets each test answer (or misbehave). */
class ScriptedPeer {
  readonly frames: PacketHeader[] = [];
  private readonly decoder = new FrameDecoder();
  onCall: (h: PacketHeader, body: Buffer) => void = () => {};

  constructor(readonly side: Duplex) {
    side.on('data', (chunk: Buffer) =>
      this.decoder.push(chunk, (f) => {
        const h = readHeader(f);
        this.frames.push(h);
        this.onCall(h, f.subarray(28));
      }),
    );
    side.on('error', () => {});
  }

  send(h: Partial<PacketHeader>, body: Buffer = Buffer.alloc(0)): void {
    const w = new XdrWriter(undefined, MESSAGE_MAX);
    const at = beginPacket(w, {
      prog: 0x20008086,
      vers: 1,
      proc: 0,
      type: MessageType.REPLY,
      serial: 0,
      status: MessageStatus.OK,
      ...h,
    });
    w.raw(body);
    endPacket(w, at);
    // In socket-sized pieces, so big frames are reassembled as from a real daemon.
    const bytes = w.copy();
    for (let off = 0; off < bytes.length; off += 256 * 1024) {
      this.side.write(bytes.subarray(off, off + 256 * 1024));
    }
  }

  reply(call: PacketHeader, body: Buffer = Buffer.alloc(0), status: number = MessageStatus.OK) {
    this.send({ proc: call.proc, serial: call.serial, status }, body);
  }
}

function setup(opts: RpcConnectionOptions = {}) {
  const [ours, theirs] = duplexPair();
  const conn = new RpcConnection(ours, { keepaliveIntervalMs: 0, ...opts });
  const peer = new ScriptedPeer(theirs);
  return { conn, peer, theirs };
}

const hostname = procedures.connectGetHostname;

function callHostname(conn: RpcConnection, timeoutMs?: number) {
  return conn.call(hostname.proc, hostname.args, undefined, hostname.ret, { timeoutMs });
}

function hostnameBody(name: string): Buffer {
  const w = new XdrWriter();
  hostname.ret.enc(w, { hostname: name });
  return w.copy();
}

async function rpcError(p: Promise<unknown>): Promise<LibvirtRpcError> {
  const err = await p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LibvirtRpcError);
  return err as LibvirtRpcError;
}

describe('RpcConnection against a scripted peer', () => {
  it('matches replies to calls by serial, in any order', async () => {
    const { conn, peer } = setup();
    const seen: PacketHeader[] = [];
    peer.onCall = (h) => {
      seen.push(h);
      if (seen.length === 3)
        for (const c of [...seen].reverse()) peer.reply(c, hostnameBody(`h${c.serial}`));
    };
    const results = await Promise.all([callHostname(conn), callHostname(conn), callHostname(conn)]);
    expect(results.map((r) => r.hostname)).toEqual(seen.map((c) => `h${c.serial}`));
    await conn.close();
  });

  it('keeps at most 5 calls in flight and queues the rest', async () => {
    const { conn, peer } = setup();
    let outstanding = 0;
    let most = 0;
    peer.onCall = (h) => {
      outstanding++;
      most = Math.max(most, outstanding);
      setImmediate(() => {
        outstanding--;
        peer.reply(h, hostnameBody('x'));
      });
    };
    await Promise.all(Array.from({ length: 40 }, () => callHostname(conn)));
    expect(most).toBe(5);
    await conn.close();
  });

  it('turns an ERROR reply into a LibvirtError with code and domain', async () => {
    const { conn, peer } = setup();
    peer.onCall = (h) => {
      const w = new XdrWriter();
      remoteError.enc(w, {
        code: 39,
        domain: 7,
        message: 'unknown procedure: 59',
        level: 2,
        dom: null,
        str1: null,
        str2: null,
        str3: null,
        int1: 0,
        int2: 0,
        net: null,
      });
      peer.reply(h, w.copy(), MessageStatus.ERROR);
    };
    const err = await callHostname(conn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect(err).toMatchObject({ code: 39, domain: 7, message: 'unknown procedure: 59' });
    await conn.close();
  });

  it('fails a call whose reply body is not valid XDR, with PROTOCOL', async () => {
    const { conn, peer } = setup();
    peer.onCall = (h) => peer.reply(h, Buffer.from([0xff, 0xff, 0xff, 0xff, 1]));
    expect((await rpcError(callHostname(conn))).code).toBe('PROTOCOL');
    await conn.close();
  });

  it('fails a call at its deadline with TIMEOUT and ignores the late reply', async () => {
    const { conn, peer } = setup();
    const late: PacketHeader[] = [];
    peer.onCall = (h) => late.push(h);
    expect((await rpcError(callHostname(conn, 20))).code).toBe('TIMEOUT');
    peer.reply(late[0] as PacketHeader, hostnameBody('late'));
    peer.onCall = (h) => peer.reply(h, hostnameBody('ok'));
    expect((await callHostname(conn)).hostname).toBe('ok');
    await conn.close();
  });

  it('answers the peer PING with PONG', async () => {
    const { conn, peer } = setup();
    const pong = new Promise<PacketHeader>((resolve) => {
      peer.onCall = (h) => resolve(h);
    });
    peer.send({ prog: 0x6b656570, proc: 1, type: MessageType.MESSAGE });
    expect(await pong).toMatchObject({ prog: 0x6b656570, proc: 2, type: MessageType.MESSAGE });
    await conn.close();
  });
});

describe('LibvirtStream handshakes against a scripted peer', () => {
  const upload = procedures.storageVolUpload;
  const volArgs = { vol: { pool: 'p', name: 'v', key: 'k' }, offset: 0n, length: 0n, flags: 0 };

  async function open(conn: RpcConnection): Promise<LibvirtStream> {
    const stream = new LibvirtStream(conn, upload.proc);
    stream.attach(await conn.callStream(upload.proc, upload.args, volArgs, stream));
    return stream;
  }

  it('an upload finishes only after the daemon confirms the end', async () => {
    const { conn, peer } = setup();
    const received: Buffer[] = [];
    peer.onCall = (h) => {
      if (h.type === MessageType.CALL) peer.reply(h);
    };
    const stream = await open(conn);
    peer.onCall = (h, body) => {
      if (h.status === MessageStatus.CONTINUE) received.push(Buffer.from(body));
      // Our finish is an empty STREAM/OK; answer it with STREAM/OK.
      if (h.status === MessageStatus.OK)
        peer.send({ ...h, type: MessageType.STREAM }, Buffer.alloc(0));
    };
    stream.resume();
    const finished = new Promise<void>((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', reject);
    });
    stream.write(Buffer.alloc(3 << 20, 1)); // split into 1 MiB packets
    stream.end(Buffer.from('tail'));
    await finished;
    expect(Buffer.concat(received).length).toBe((3 << 20) + 4);
    expect(received.length).toBe(4);
    await conn.close();
  });

  it('a download ends at the empty CONTINUE and answers it with OK', async () => {
    const { conn, peer } = setup();
    let call!: PacketHeader;
    peer.onCall = (h) => {
      call = h;
      peer.reply(h);
    };
    const stream = await open(conn);
    const answered = new Promise<PacketHeader>((resolve) => {
      peer.onCall = (h) => resolve(h);
    });
    const data = { proc: call.proc, serial: call.serial, type: MessageType.STREAM, status: 2 };
    peer.send(data, Buffer.from('hello '));
    peer.send(data, Buffer.from('world'));
    peer.send(data, Buffer.alloc(0));
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    await new Promise((resolve) => stream.once('end', resolve));
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(await answered).toMatchObject({ type: MessageType.STREAM, status: MessageStatus.OK });
    await conn.close();
  });

  it('a STREAM/ERROR from the daemon fails the stream with LibvirtError', async () => {
    const { conn, peer } = setup();
    let call!: PacketHeader;
    peer.onCall = (h) => {
      call = h;
      peer.reply(h);
    };
    const stream = await open(conn);
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    const w = new XdrWriter();
    remoteError.enc(w, {
      code: 38,
      domain: 18,
      message: 'write failed',
      level: 2,
      dom: null,
      str1: null,
      str2: null,
      str3: null,
      int1: 0,
      int2: 0,
      net: null,
    });
    peer.send(
      { proc: call.proc, serial: call.serial, type: MessageType.STREAM, status: 1 },
      w.copy(),
    );
    const err = await failed;
    expect(err).toBeInstanceOf(LibvirtError);
    expect(err.message).toBe('write failed');
    await conn.close();
  });
});

describe('a stream whose reader falls behind', () => {
  const console_ = procedures.domainOpenConsole;
  const consoleArgs = { dom: { name: 'vm', uuid: '0'.repeat(32), id: 1 }, devName: null, flags: 1 };

  /** Opens a console stream nobody reads, and has the peer send it `packets` of `size` bytes. */
  async function floodUnread(maxBufferedBytes: number | undefined, packets: number, size: number) {
    const { conn, peer, theirs } = setup();
    let call!: PacketHeader;
    peer.onCall = (h) => {
      if (h.type !== MessageType.CALL) return;
      if (h.proc === console_.proc) call = h;
      if (h.proc === console_.proc) peer.reply(h);
      else peer.reply(h, hostnameBody('still-answering'));
    };
    const stream = new LibvirtStream(conn, console_.proc, undefined, { maxBufferedBytes });
    stream.attach(await conn.callStream(console_.proc, console_.args, consoleArgs, stream));
    let dropped = 0;
    stream.on('overflow', (n: number) => (dropped += n));
    const data = { proc: call.proc, serial: call.serial, type: MessageType.STREAM, status: 2 };
    for (let i = 0; i < packets; i++) peer.send(data, Buffer.alloc(size, 0x41));
    return { conn, stream, theirs, dropped: () => dropped };
  }

  it('with a cap, keeps the shared connection reading: calls are answered, output past the cap is dropped', async () => {
    const f = await floodUnread(64 * 1024, 40, 16 * 1024);
    // The call goes out after the flood, so its reply queues behind 640 KiB of console output.
    const reply = await f.conn.call(hostname.proc, hostname.args, undefined, hostname.ret);
    expect(reply.hostname).toBe('still-answering');
    expect(f.stream.readableLength).toBe(64 * 1024);
    expect(f.dropped()).toBe(36 * 16 * 1024);
    expect(f.conn.stream.isPaused()).toBe(false);
    f.stream.destroy();
    await f.conn.close();
  });

  it('without a cap (downloads), pauses the connection until the reader catches up, losing nothing', async () => {
    const f = await floodUnread(undefined, 40, 16 * 1024);
    const reply = f.conn.call(hostname.proc, hostname.args, undefined, hostname.ret);
    for (let i = 0; i < 200 && !f.conn.stream.isPaused(); i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(f.conn.stream.isPaused()).toBe(true);
    let read = 0;
    f.stream.on('data', (d: Buffer) => (read += d.length));
    expect((await reply).hostname).toBe('still-answering');
    expect(read).toBe(40 * 16 * 1024);
    expect(f.dropped()).toBe(0);
    f.stream.destroy();
    await f.conn.close();
  });
});

describe('RpcConnection robustness', () => {
  it('a reply announcing a 4 GiB string fails the call with PROTOCOL (XDR LIMIT)', async () => {
    const { conn, peer } = setup();
    peer.onCall = (h) => peer.reply(h, Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0]));
    const err = await rpcError(callHostname(conn));
    expect(err.code).toBe('PROTOCOL');
    expect(err.cause).toMatchObject({ code: 'LIMIT' });
    await conn.close();
  });

  it('random frames end in a typed error', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 50; i++) {
      const { conn, peer, theirs } = setup();
      const call = callHostname(conn, 2_000);
      peer.onCall = () => {
        const junk = Buffer.alloc(1 + Math.floor(rand() * 200));
        for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(rand() * 256);
        // Sometimes a plausible length word, so the header parser sees garbage too.
        if (rand() < 0.5 && junk.length >= 4) junk.writeUInt32BE(junk.length, 0);
        theirs.write(junk);
        theirs.end();
      };
      const err = await rpcError(call);
      expect(['PROTOCOL', 'CLOSED']).toContain(err.code);
      expect(conn.isOpen).toBe(false);
    }
  });

  it('a truncated frame followed by close ends in CLOSED', async () => {
    const { conn, peer, theirs } = setup();
    peer.onCall = (h) => {
      const w = new XdrWriter();
      const at = beginPacket(w, {
        prog: 0x20008086,
        vers: 1,
        proc: h.proc,
        type: 1,
        serial: h.serial,
        status: 0,
      });
      w.raw(hostnameBody('truncated'));
      endPacket(w, at);
      theirs.end(w.copy().subarray(0, 30));
    };
    const err = await rpcError(callHostname(conn));
    expect(err.code).toBe('CLOSED');
    expect(err.message).toMatch(/cut short/);
  });

  it('a huge length word is refused before any allocation', async () => {
    const { conn, peer, theirs } = setup();
    peer.onCall = () => theirs.write(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    const err = await rpcError(callHostname(conn));
    expect(err.code).toBe('PROTOCOL');
    expect(err.message).toMatch(/frame length/);
  });

  it('a reply with a wrong serial is a protocol error', async () => {
    const { conn, peer } = setup();
    peer.onCall = (h) => peer.send({ proc: h.proc, serial: h.serial + 1000 }, hostnameBody('x'));
    expect((await rpcError(callHostname(conn))).code).toBe('PROTOCOL');
  });

  it('a server that stops answering is declared dead by keepalive', async () => {
    const { conn, peer } = setup({ keepaliveIntervalMs: 20, keepaliveCount: 2 });
    peer.onCall = () => {}; // swallow everything, including our PINGs
    const err = await rpcError(callHostname(conn, 60_000));
    expect(err.code).toBe('KEEPALIVE');
    const pings = peer.frames.filter((f) => f.prog === 0x6b656570 && f.proc === 1);
    expect(pings.length).toBe(2);
    expect(await conn.closed).toBe(err);
  });

  it('a server that closes mid-stream fails the stream with CLOSED', async () => {
    const { conn, peer, theirs } = setup();
    const upload = procedures.storageVolUpload;
    peer.onCall = (h) => {
      if (h.type === MessageType.CALL) {
        peer.reply(h);
        peer.send(
          { proc: h.proc, serial: h.serial, type: MessageType.STREAM, status: 2 },
          Buffer.from('abc'),
        );
      } else if (h.type === MessageType.STREAM) {
        theirs.end();
      }
    };
    const stream = new LibvirtStream(conn, upload.proc);
    const serial = await conn.callStream(
      upload.proc,
      upload.args,
      { vol: { pool: 'p', name: 'v', key: 'k' }, offset: 0n, length: 0n, flags: 0 },
      stream,
    );
    stream.attach(serial);
    const failed = new Promise<Error>((resolve) => stream.on('error', resolve));
    stream.on('data', () => {});
    stream.write(Buffer.alloc(100_000));
    const err = await failed;
    expect(err).toBeInstanceOf(LibvirtRpcError);
    expect((err as LibvirtRpcError).code).toMatch(/CLOSED|TRANSPORT/);
  });

  it('a 20 MiB reply (under the 32 MiB maximum of libvirt) succeeds and the next call works', async () => {
    const list = procedures.connectListAllDomains;
    // 16384 domains (the protocol's list limit) with 1264-byte names: about 21 MB of reply.
    const domains = Array.from({ length: 16384 }, (_, i) => ({
      name: `${i}-`.padEnd(1264, 'x'),
      uuid: '00000000-0000-4000-8000-000000000000',
      id: i,
    }));
    const w = new XdrWriter(undefined, MESSAGE_MAX);
    list.ret.enc(w, { domains, ret: domains.length });
    const body = w.copy();
    expect(body.length).toBeGreaterThan(20 * 1024 * 1024);
    const { conn, peer } = setup();
    peer.onCall = (h) => peer.reply(h, h.proc === list.proc ? body : hostnameBody('after'));
    const got = await conn.call(list.proc, list.args, { needResults: true, flags: 0 }, list.ret);
    expect(got.domains.length).toBe(16384);
    expect(got.domains[16383]?.name).toBe(domains[16383]?.name);
    expect(conn.isOpen).toBe(true);
    expect((await callHostname(conn)).hostname).toBe('after');
    await conn.close();
  });

  it('a length word one past the maximum kills only that connection, with a clear error', async () => {
    const bad = setup();
    const good = setup();
    good.peer.onCall = (h) => good.peer.reply(h, hostnameBody('still here'));
    bad.peer.onCall = () => {
      const word = Buffer.alloc(4);
      word.writeUInt32BE(MESSAGE_MAX + 1, 0);
      bad.theirs.write(word);
    };
    const err = await rpcError(callHostname(bad.conn));
    expect(err.code).toBe('PROTOCOL');
    expect(err.message).toContain(`frame length ${MESSAGE_MAX + 1}`);
    expect(err.cause).toMatchObject({ code: 'LIMIT' });
    expect(bad.conn.isOpen).toBe(false);
    expect(good.conn.isOpen).toBe(true);
    expect((await callHostname(good.conn)).hostname).toBe('still here');
    await good.conn.close();
  });

  it('two 20 MiB calls issued in one tick both go out (each in its own write)', async () => {
    const stats = procedures.connectGetAllDomainStats;
    const doms = Array.from({ length: 16384 }, (_, i) => ({
      name: `${i}-`.padEnd(1264, 'y'),
      uuid: '00000000-0000-4000-8000-000000000000',
      id: i,
    }));
    const { conn, peer } = setup();
    peer.onCall = (h) => peer.reply(h, Buffer.alloc(4)); // an empty retStats list
    const args = { doms, stats: 0, flags: 0 };
    const both = await Promise.all([
      conn.call(stats.proc, stats.args, args, stats.ret),
      conn.call(stats.proc, stats.args, args, stats.ret),
    ]);
    expect(both).toEqual([{ retStats: [] }, { retStats: [] }]);
    expect(peer.frames.filter((f) => f.proc === stats.proc)).toHaveLength(2);
    await conn.close();
  });

  it('calls after close fail fast with CLOSED', async () => {
    const { conn } = setup();
    await conn.close();
    expect((await rpcError(callHostname(conn))).code).toBe('CLOSED');
  });
});
