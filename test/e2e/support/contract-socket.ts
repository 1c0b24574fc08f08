import { expect } from '@playwright/test';
import { WebSocket } from 'ws';
import { createClient, type ClientConnection } from '../../../api/client';
import { corralApi, type CorralApi } from '../../../api/corral-api';
import { SessionTicketMessage } from '../../../api/wire';
import { WsTransport } from '../../../server/ws-transport';

/** A contract client over a real WebSocket with chosen cookie (what a second tab would hold). */
export interface ContractSocket {
  connection: ClientConnection<CorralApi>;
  /** Resolves with the close reason when the server (or we) close the socket. */
  closed: Promise<string>;
  /** Tickets for the renewed session cookie, one per sign-in or sign-up on this socket. */
  tickets: string[];
}

/** Exchanges the server's token for a session cookie (`name=value`), as the page does. */
export async function sessionCookie(server: { url: string; token: string }): Promise<string> {
  const res = await fetch(new URL('/api/session', server.url), {
    method: 'POST',
    headers: { origin: new URL(server.url).origin, 'content-type': 'application/json' },
    body: JSON.stringify({ token: server.token }),
  });
  expect(res.status).toBe(204);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Exchanges a renewed session's ticket for its cookie (`name=value`), as the page does. */
export async function renewedCookie(serverUrl: string, ticket: string): Promise<string> {
  const res = await fetch(new URL('/api/session', serverUrl), {
    method: 'POST',
    headers: { origin: new URL(serverUrl).origin, 'content-type': 'application/json' },
    body: JSON.stringify({ ticket }),
  });
  expect(res.status).toBe(204);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Opens the contract socket with `cookie`; rejects with the HTTP status if refused. */
export function openContractSocket(serverUrl: string, cookie: string): Promise<ContractSocket> {
  const url = new URL('/api/ws', serverUrl);
  url.protocol = 'ws:';
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin: new URL(serverUrl).origin, cookie } });
    ws.binaryType = 'nodebuffer';
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => {
      const transport = new WsTransport(ws);
      const closed = new Promise<string>((done) => transport.onClose(done));
      const tickets: string[] = [];
      transport.onMessage((m) => {
        const ticket = SessionTicketMessage.safeParse(m);
        if (ticket.success) tickets.push(ticket.data.ticket);
      });
      resolve({ connection: createClient(corralApi, transport), closed, tickets });
    });
  });
}
