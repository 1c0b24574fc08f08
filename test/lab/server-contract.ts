import { WebSocket } from 'ws';
import { createClient, type ClientConnection } from '../../api/client';
import { corralApi, type CorralApi } from '../../api/corral-api';
import { WsTransport } from '../../server/ws-transport';
import { spawnCorralServer, type CorralServerChild } from '../support/corral-server-child';

/** A real `server/main.ts` on a data folder, and a contract client on its WebSocket. */
export interface ServedCorral {
  server: CorralServerChild;
  connection: ClientConnection<CorralApi>;
  api: ClientConnection<CorralApi>['api'];
}

/**
 * Starts the headless server on `dataDir` and connects as a browser tab would: the printed
 * token exchanged for a session cookie, then the contract over /api/ws with that cookie.
 */
export async function serveCorral(dataDir: string): Promise<ServedCorral> {
  const server = await spawnCorralServer(dataDir);
  const origin = new URL(server.url).origin;
  const res = await fetch(new URL('/api/session', server.url), {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ token: server.token }),
  });
  if (res.status !== 204) throw new Error(`the server refused its own token (${res.status})`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const url = new URL('/api/ws', server.url);
  url.protocol = 'ws:';
  const connection = await new Promise<ClientConnection<CorralApi>>((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin, cookie } });
    ws.binaryType = 'nodebuffer';
    ws.once('unexpected-response', (_req, r) => reject(new Error(`HTTP ${r.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => resolve(createClient(corralApi, new WsTransport(ws))));
  });
  return { server, connection, api: connection.api };
}

/** Stops the server with `signal` (SIGKILL: as a crash would) and waits until it has exited. */
export async function stopServer(
  served: ServedCorral | undefined,
  signal: NodeJS.Signals,
): Promise<void> {
  if (!served) return;
  const { child } = served.server;
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill(signal);
    });
  }
  served.connection.dispose();
}
