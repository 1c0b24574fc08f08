import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Disposable } from '../../../api/disposable';
import { Emitter } from '../../../api/emitter';
import type { Transport } from '../../../api/transport';
import type { WireMessage } from '../../../api/wire';
import { decodeMessage, encodeMessage } from '../../../api/wire-codec';
import { startCorralServer, type CorralServer } from '../../../server/http-server';
import { RawSession, callable, expectTyped, fuzzedCore, inputFor } from './contract-fuzz-support';

/**
 * The same contract fuzzing through the real headless server: a real WebSocket with a real
 * session cookie, so the socket's frame decoding and the server's session handling are in the
 * path. Random text and binary frames must not break the socket: the next call is still answered.
 */

/** Runs per entry: the in-memory fuzzer does the bulk; this one proves the socket path. */
const RUNS = 10;

/** A `ws` client socket as a Transport, plus raw frames for the fuzzer. */
class WsClient implements Transport {
  private readonly messages = new Emitter<unknown>();
  private readonly closes = new Emitter<string>();
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.messages.fire(decodeMessage(isBinary ? new Uint8Array(bytes) : bytes.toString('utf8')));
    });
    socket.on('close', () => this.closes.fire('closed'));
  }
  send(message: WireMessage): void {
    this.socket.send(encodeMessage(message));
  }
  onMessage(listener: (message: unknown) => void): Disposable {
    return this.messages.on(listener);
  }
  onClose(listener: (reason: string) => void): Disposable {
    return this.closes.on(listener);
  }
  close(): void {
    this.socket.close();
  }
}

// A few seconds per property here, more on a busy shared machine; hangs are caught per call.
describe(
  'fuzzing the contract over a real WebSocket to the real server',
  { timeout: 60_000 },
  () => {
    const fuzz = fuzzedCore('corral-wsfuzz-');
    const { dataDir, unhandled } = fuzz;
    let server: CorralServer;
    let client: WsClient;
    let session: RawSession;
    let cookie = '';
    let closes = 0;

    /** A fresh socket on the same cookie session. */
    async function connect(): Promise<void> {
      const origin = new URL(server.url).origin;
      const url = new URL('/api/ws', server.url);
      url.protocol = 'ws:';
      const socket = new WebSocket(url, { headers: { origin, cookie } });
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      client = new WsClient(socket);
      client.onClose(() => closes++);
      session = new RawSession(client);
    }

    /** A fuzzed accounts.logOut ends the session's sockets by design: open another one. */
    async function open(): Promise<RawSession> {
      if (client.socket.readyState !== WebSocket.OPEN) await connect();
      return session;
    }

    beforeAll(async () => {
      server = await startCorralServer({
        core: fuzz.start(),
        staticDir: dataDir,
        token: 'fuzz-token',
      });
      const res = await fetch(new URL('/api/session', server.url), {
        method: 'POST',
        headers: { origin: new URL(server.url).origin, 'content-type': 'application/json' },
        body: JSON.stringify({ token: server.token }),
      });
      expect(res.status).toBe(204);
      cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
      await connect();
    });

    afterAll(async () => {
      client?.close();
      await server?.close();
      fuzz.stop();
    });

    it('random JSON to every method and stream ends in typed errors or values', async () => {
      for (const [path, def] of callable) {
        try {
          await fc.assert(
            fc.asyncProperty(inputFor(def), async (input) => {
              const s = await open();
              expectTyped(path, await s.request(def.kind as 'method' | 'stream', path, input));
              // The socket is closed only by a logout, never by bad input.
              if (path !== 'accounts.logOut') expect(client.socket.readyState).toBe(WebSocket.OPEN);
            }),
            { numRuns: RUNS },
          );
        } catch (err) {
          throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
        }
      }
      expect(unhandled).toEqual([]);
    });

    it('random text and binary frames leave the socket serving calls', async () => {
      const frame = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.uint8Array({ maxLength: 64 }),
      );
      await fc.assert(
        fc.asyncProperty(frame, async (f) => {
          const s = await open();
          const before = closes;
          client.socket.send(f, { binary: typeof f !== 'string' });
          expectTyped('accounts.me', await s.request('method', 'accounts.me', {}));
          expect(closes).toBe(before);
        }),
        { numRuns: 200 },
      );
      expect(unhandled).toEqual([]);
    });
  },
);
