import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { corralApi } from '../api/corral-api';
import { serve } from '../api/dispatcher';
import type { CorralCore } from '../core/corral-core';
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
  const sockets = new Map<string, Set<WsTransport>>();
  const accounts = options.core.accounts;
  // Issue 6: an expired cookie session logs its user out; a logout (from any path) closes that
  // session's sockets. Closing waits a turn so the logOut reply leaves before the close frame.
  sessions.onExpired((id) => endSession(id));
  const stopFollowingLogouts = accounts.onSessionEnded((id) =>
    setImmediate(() => closeSockets(id)),
  );
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
        const token = (JSON.parse(body) as { token?: unknown }).token;
        const id = typeof token === 'string' ? sessions.exchange(token) : undefined;
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
    for (const socket of sockets.get(id) ?? []) socket.close();
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
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
      // Activity on a socket keeps its session alive (the idle timeout is about idleness).
      transport.onMessage(() => sessions.touch(sessionId));
      const set = sockets.get(sessionId) ?? new Set();
      set.add(transport);
      sockets.set(sessionId, set);
      const served = serve({
        contract: corralApi,
        impl: options.core.api,
        transport,
        context: { sessionId },
      });
      transport.onClose(() => {
        served.dispose();
        set.delete(transport);
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
      sessions.dispose();
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
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
