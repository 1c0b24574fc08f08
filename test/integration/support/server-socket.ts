import { WebSocket } from 'ws';
import { createClient, type ClientConnection } from '../../../api/client';
import { corralApi, type CorralApi } from '../../../api/corral-api';
import { SessionTicketMessage } from '../../../api/wire';
import { WsTransport } from '../../../server/ws-transport';

/** A contract client on the real server's WebSocket, with what the page would also see. */
export interface ServerSocket {
  api: ClientConnection<CorralApi>['api'];
  connection: ClientConnection<CorralApi>;
  /** Renewed-session tickets the server handed this socket. */
  tickets: string[];
  /** Resolves with the close code when the socket closes. */
  closed: Promise<number>;
  ws: WebSocket;
}

/** POSTs /api/session with `body` from our own origin; the status and the cookie it set. */
export async function postSession(
  url: string,
  body: object,
): Promise<{ status: number; cookie: string | undefined }> {
  const res = await fetch(new URL('/api/session', url), {
    method: 'POST',
    headers: { origin: new URL(url).origin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  return { status: res.status, cookie };
}

/** Opens the contract socket with `cookie` (from `localAddress`); rejects with the HTTP status. */
export function openServerSocket(
  url: string,
  cookie: string,
  localAddress?: string,
): Promise<ServerSocket> {
  const wsUrl = new URL('/api/ws', url);
  wsUrl.protocol = 'ws:';
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, {
      headers: { origin: new URL(url).origin, cookie },
      localAddress,
    });
    ws.binaryType = 'nodebuffer';
    const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => {
      const transport = new WsTransport(ws);
      const tickets: string[] = [];
      transport.onMessage((m) => {
        const t = SessionTicketMessage.safeParse(m);
        if (t.success) tickets.push(t.data.ticket);
      });
      const connection = createClient(corralApi, transport);
      resolve({ api: connection.api, connection, tickets, closed, ws });
    });
  });
}
