import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES } from '../api/wire';
import type { CallContext } from '../core/call-context';
import type { CorralCore } from '../core/corral-core';
import { serveCorral } from '../core/serve-corral';
import { CONTENT_SECURITY_POLICY } from '../core/security/content-security-policy';
import { readCookie, SESSION_COOKIE, SessionStore } from './session-store';
import { serveStatic } from './static-files';
import { WsTransport } from './ws-transport';

export interface CorralServerOptions {
  core: CorralCore;
  /** The built renderer (index.html + assets). */
  staticDir: string;
  /** Default 127.0.0.1: a jump host exposes it deliberately, never by accident. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A fixed access token (tests); by default a random one. */
  token?: string;
  /** Idle time after which a session expires (default 12 h; tests shorten it). */
  sessionIdleMs?: number;
}

export interface CorralServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** The headless shell: serves the renderer and the contract over a WebSocket, behind a token. */
export async function startCorralServer(options: CorralServerOptions): Promise<CorralServer> {
  const host = options.host ?? '127.0.0.1';
  const sessions = new SessionStore(options.token, options.sessionIdleMs);
  const sockets = new Map<string, Set<Socket>>();
  const accounts = options.core.accounts;
  // An expired cookie session logs its user out; a logout (from any path) closes that session's
  // sockets. Closing waits a turn so the logOut reply leaves before the close frame.
  sessions.onExpired((id) => endSession(id));
  const stopFollowingLogouts = accounts.onSessionEnded((id) =>
    setImmediate(() => closeSockets(id)),
  );
  // Sign-in and sign-up move the connection to a fresh session id: the old id is dead (its
  // other sockets close, its cookie opens nothing), and the page that signed in gets a ticket
  // for the new cookie. This runs before the sign-in call answers.
  const stopFollowingRenewals = accounts.onSessionRenewed(({ from, to }) => {
    const ticket = sessions.renew(from, to);
    const moved = sockets.get(from);
    sockets.delete(from);
    if (!ticket || !moved) return;
    const kept = new Set<Socket>();
    for (const socket of moved) {
      if (socket.context.sessionId === to) {
        kept.add(socket);
        socket.transport.sendSessionTicket(ticket);
      } else {
        setImmediate(() => socket.transport.close());
      }
    }
    sockets.set(to, kept);
  });
  let allowedHosts = new Set<string>();

  const http = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (!allowedHosts.has(req.headers.host ?? '')) {
      // Refuses DNS-rebinding: a foreign name that resolves to us is not our origin.
      res.writeHead(421).end('unknown host');
      return;
    }
    if (url.pathname === '/api/session') {
      handleSession(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(options.staticDir, url.pathname, res);
  });

  function handleSession(req: IncomingMessage, res: ServerResponse): void {
    const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (req.method === 'GET') {
      const ok = sessions.touch(sessionId);
      res.writeHead(ok ? 204 : 401).end();
      return;
    }
    if (!isOwnOrigin(req.headers.origin)) {
      res.writeHead(403).end('foreign origin');
      return;
    }
    if (req.method === 'DELETE') {
      if (sessionId) endSession(sessionId);
      res.writeHead(204, { 'set-cookie': cookie('', 0) }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    readSmallBody(req, 4096)
      .then((body) => {
        const { token, ticket } = JSON.parse(body) as { token?: unknown; ticket?: unknown };
        // The access token opens a session; a renewal ticket sets the cookie of one signed in.
        const id =
          typeof token === 'string'
            ? sessions.exchange(token)
            : typeof ticket === 'string'
              ? sessions.redeem(ticket)
              : undefined;
        if (!id) {
          res.writeHead(401, { 'content-type': 'text/plain' }).end('wrong token');
          return;
        }
        res.writeHead(204, { 'set-cookie': cookie(id) }).end();
      })
      .catch(() => res.writeHead(400).end('bad request'));
  }

  /** The cookie session is over (DELETE /api/session, idle expiry): no user, no sockets. */
  function endSession(id: string): void {
    sessions.end(id);
    accounts.endSession(id);
    closeSockets(id);
  }

  function closeSockets(id: string): void {
    for (const socket of sockets.get(id) ?? []) socket.transport.close();
    sockets.delete(id);
  }

  function isOwnOrigin(origin: string | undefined): boolean {
    if (!origin) return false;
    try {
      return allowedHosts.has(new URL(origin).host) && new URL(origin).protocol === 'http:';
    } catch {
      return false;
    }
  }

  // Inbound messages are small by design (stream data travels in frames of at most 64 KiB), so
  // a bigger one is refused by ws (close 1009) before it is buffered whole.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const sessionId = readCookie(req.headers.cookie, SESSION_COOKIE);
    const refuse = (status: number, why: string) => {
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/ws') return refuse(404, 'Not Found');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    if (!isOwnOrigin(req.headers.origin)) return refuse(403, 'Forbidden');
    if (!sessionId || !sessions.touch(sessionId)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = new WsTransport(ws);
      // The address throttles sign-in guesses per source; sign-in replaces the session id.
      const context: CallContext = { sessionId, source: req.socket.remoteAddress ?? 'unknown' };
      const entry: Socket = { transport, context };
      // Activity on a socket keeps its session alive (the idle timeout is about idleness).
      transport.onMessage(() => sessions.touch(context.sessionId));
      const set = sockets.get(sessionId) ?? new Set();
      set.add(entry);
      sockets.set(sessionId, set);
      const served = serveCorral(options.core, transport, context);
      transport.onClose(() => {
        served.dispose();
        sockets.get(context.sessionId)?.delete(entry);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  allowedHosts = new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`]);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;

  return {
    url,
    token: sessions.token,
    async close() {
      stopFollowingLogouts.dispose();
      stopFollowingRenewals.dispose();
      sessions.dispose();
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One served WebSocket and the context its calls carry (whose session id sign-in replaces). */
interface Socket {
  transport: WsTransport;
  context: CallContext;
}

function cookie(value: string, maxAgeSeconds?: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'HttpOnly', 'SameSite=Strict', 'Path=/'];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  return parts.join('; ');
}

function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
