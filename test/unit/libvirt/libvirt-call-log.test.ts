import { duplexPair, type Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { XdrWriter } from '../../../native/xdr';
import {
  ErrorNumber,
  FrameDecoder,
  LibvirtClient,
  LibvirtError,
  MESSAGE_MAX,
  MessageStatus,
  MessageType,
  procedures,
  remoteError,
  type ProcedureName,
} from '../../../native/libvirt';
import { beginPacket, endPacket, readHeader } from '../../../native/libvirt/packet';
import * as domain from '../../../core/libvirt/domain';
import { nameLibvirtHost, useLibvirtLogger } from '../../../core/libvirt/libvirt-call';
import * as hostNode from '../../../core/libvirt/node';
import { Logger, debugEnabledFor, type LogRecord } from '../../../core/logging/logger';

const byProc = new Map(Object.entries(procedures).map(([name, spec]) => [spec.proc, name]));

/**
 * A scripted libvirtd on the other end of a socket pair: it answers the handshake, names itself
 * on connectGetHostname and knows no domain.
 */
function scriptedDaemon(side: Duplex): void {
  const decoder = new FrameDecoder();
  const reply = (proc: number, serial: number, status: number, body: (w: XdrWriter) => void) => {
    const w = new XdrWriter(undefined, MESSAGE_MAX);
    const at = beginPacket(w, {
      prog: 0x20008086,
      vers: 1,
      proc,
      type: MessageType.REPLY,
      serial,
      status,
    });
    body(w);
    endPacket(w, at);
    side.write(w.copy());
  };
  side.on('data', (chunk: Buffer) =>
    decoder.push(chunk, (frame) => {
      const { proc, serial } = readHeader(frame);
      const name = byProc.get(proc) as ProcedureName | undefined;
      const ok = (value: unknown) =>
        reply(proc, serial, MessageStatus.OK, (w) =>
          (procedures[name!].ret as { enc(w: XdrWriter, v: unknown): void }).enc(w, value),
        );
      if (name === 'authList') ok({ types: [] });
      else if (name === 'connectSupportsFeature') ok({ supported: true });
      else if (name === 'connectOpen' || name === 'connectClose') ok(undefined);
      else if (name === 'connectGetHostname') ok({ hostname: 'scripted' });
      else
        reply(proc, serial, MessageStatus.ERROR, (w) =>
          remoteError.enc(w, {
            code: ErrorNumber.NO_DOMAIN,
            domain: 10,
            message: 'Domain not found',
            level: 2,
            dom: null,
            str1: null,
            str2: null,
            str3: null,
            int1: 0,
            int2: 0,
            net: null,
          }),
        );
    }),
  );
  side.on('error', () => {});
}

async function connectScripted(): Promise<LibvirtClient> {
  const [ours, theirs] = duplexPair();
  scriptedDaemon(theirs);
  return LibvirtClient.connect(() => Promise.resolve(ours), {
    uri: 'test:///default',
    keepaliveIntervalMs: 0,
  });
}

let restore: Logger | undefined;
afterEach(() => {
  if (restore) useLibvirtLogger(restore);
  restore = undefined;
});

function captureDebug(): LogRecord[] {
  const records: LogRecord[] = [];
  restore = useLibvirtLogger(new Logger('libvirt', { debug: true, sink: (r) => records.push(r) }));
  return records;
}

describe('the libvirt choke point', () => {
  it('logs procedure, host and duration of a call that succeeds, and returns its reply', async () => {
    const records = captureDebug();
    const client = await connectScripted();
    nameLibvirtHost(client, 'host-a');
    await expect(hostNode.hostname(client)).resolves.toEqual({ hostname: 'scripted' });
    await client.close();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'debug',
      topic: 'libvirt',
      fields: { procedure: 'connectGetHostname', host: 'host-a' },
    });
    expect(records[0]!.fields.ms).toEqual(expect.any(Number));
    expect(records[0]!.fields).not.toHaveProperty('error');
  });

  it("logs a failed call with libvirt's error and rethrows the very same LibvirtError", async () => {
    const records = captureDebug();
    const client = await connectScripted();
    nameLibvirtHost(client, 'host-b');
    const thrown = await domain.lookupByName(client, { name: 'nope' }).catch((e: unknown) => e);
    await client.close();
    expect(thrown).toBeInstanceOf(LibvirtError);
    expect((thrown as LibvirtError).code).toBe(ErrorNumber.NO_DOMAIN);
    expect(records).toHaveLength(1);
    expect(records[0]!.fields).toMatchObject({
      procedure: 'domainLookupByName',
      host: 'host-b',
      error: `libvirt ${ErrorNumber.NO_DOMAIN}: Domain not found`,
    });
    expect(records[0]!.fields.ms).toEqual(expect.any(Number));
  });

  it('with debug off, logs nothing and still rethrows the typed error', async () => {
    const records: LogRecord[] = [];
    restore = useLibvirtLogger(new Logger('libvirt', { sink: (r) => records.push(r) }));
    const client = await connectScripted();
    const thrown = await domain.lookupByUuid(client, { uuid: '0'.repeat(32) }).catch((e) => e);
    await client.close();
    expect(thrown).toBeInstanceOf(LibvirtError);
    expect(records).toEqual([]);
  });
});

describe('CORRAL_DEBUG', () => {
  it('turns debug on for the listed topics, or all with *, and is off when unset', () => {
    expect(debugEnabledFor('libvirt', undefined)).toBe(false);
    expect(debugEnabledFor('libvirt', '')).toBe(false);
    expect(debugEnabledFor('libvirt', 'libvirt')).toBe(true);
    expect(debugEnabledFor('libvirt', 'ssh, libvirt')).toBe(true);
    expect(debugEnabledFor('libvirt', 'ssh')).toBe(false);
    expect(debugEnabledFor('libvirt', '*')).toBe(true);
  });
});
