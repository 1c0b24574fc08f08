import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import type { AccessRules } from '../../../api/access';
import { createClient } from '../../../api/client';
import { event, method, stream } from '../../../api/contract';
import { serve } from '../../../api/dispatcher';
import { Emitter } from '../../../api/emitter';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { Transport } from '../../../api/transport';
import type { ServiceImpl } from '../../../api/types';
import { connectWebSocket } from '../../../api/websocket-transport';
import { WsTransport } from '../../../server/ws-transport';
import type { ByteStream } from '../../../api/byte-stream';

/** A contract exercising every kind of entry, for the transport-independent tests. */
export const testApi = {
  math: {
    add: method(z.object({ a: z.number(), b: z.number() }).strict(), z.number()),
    fail: method(z.object({}).strict(), z.never()),
  },
  ticks: { onTick: event(z.object({ n: z.number().int() })) },
  bytes: {
    /** The server writes `total` bytes (pattern i % 251) as fast as credit allows. */
    download: stream(z.object({ total: z.number().int().positive() })),
    /** The server reads slowly and reports the byte count when the client half-closes. */
    upload: stream(z.object({ delayMs: z.number().int().nonnegative() })),
  },
} as const;

/** The test contract is about transports; every entry is public to them. */
export const testAccess: AccessRules<typeof testApi> = {
  math: { add: 'public', fail: 'public' },
  ticks: { onTick: 'public' },
  bytes: { download: 'public', upload: 'public' },
};

export interface TestService {
  impl: ServiceImpl<typeof testApi, { sessionId: string }>;
  calls: { add: number };
  tick: Emitter<number>;
  /** Bytes the server has handed to `write` and seen resolve, per download. */
  written: number[];
  /** Server side streams, to inspect credit. */
  streams: ByteStream[];
}

export function createTestService(): TestService {
  const tick = new Emitter<number>();
  const calls = { add: 0 };
  const written: number[] = [];
  const streams: ByteStream[] = [];
  return {
    calls,
    tick,
    written,
    streams,
    impl: {
      math: {
        add: ({ a, b }) => {
          calls.add++;
          return a + b;
        },
        fail: () => {
          throw new Error('boom');
        },
      },
      ticks: { onTick: (emit) => tick.on((n) => emit({ n })) },
      bytes: {
        download: ({ total }, s) => {
          streams.push(s);
          const index = written.push(0) - 1;
          void (async () => {
            for (let sent = 0; sent < total;) {
              const size = Math.min(16 * 1024, total - sent);
              const chunk = new Uint8Array(size);
              for (let i = 0; i < size; i++) chunk[i] = (sent + i) % 251;
              await s.write(chunk);
              sent += size;
              written[index] = sent;
            }
            s.end();
          })();
        },
        upload: ({ delayMs }, s) => {
          streams.push(s);
          let count = 0;
          s.onData(async (bytes) => {
            count += bytes.byteLength;
            if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          });
          s.onEnd((err) => {
            if (err) return;
            void s.write(new TextEncoder().encode(String(count))).then(() => s.end());
          });
        },
      },
    },
  };
}

export interface Harness {
  service: TestService;
  client: ReturnType<typeof createClient<typeof testApi>>;
  /** Sends anything at all to the server, bypassing the client's types. */
  sendRaw(message: unknown): void;
  /** Messages the client transport received, raw. */
  received: unknown[];
  close(): Promise<void>;
}

export async function inMemoryHarness(): Promise<Harness> {
  const [clientEnd, serverEnd] = createInMemoryPair();
  return assemble(clientEnd, serverEnd, async () => {});
}

export async function webSocketHarness(): Promise<Harness> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const serverEnd = new Promise<Transport>((resolve) =>
    wss.once('connection', (ws) => resolve(new WsTransport(ws))),
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  const clientEnd = await connectWebSocket(`ws://127.0.0.1:${port}/`);
  return assemble(clientEnd, await serverEnd, async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });
}

function assemble(
  clientEnd: Transport,
  serverEnd: Transport,
  shutdown: () => Promise<void>,
): Harness {
  const service = createTestService();
  serve({
    contract: testApi,
    impl: service.impl,
    access: testAccess,
    authorize: () => {},
    transport: serverEnd,
    context: { sessionId: 't' },
  });
  const received: unknown[] = [];
  clientEnd.onMessage((m) => received.push(m));
  const client = createClient(testApi, clientEnd);
  return {
    service,
    client,
    received,
    sendRaw: (message) => (clientEnd.send as (m: unknown) => void)(message),
    close: async () => {
      client.dispose();
      await shutdown();
    },
  };
}
