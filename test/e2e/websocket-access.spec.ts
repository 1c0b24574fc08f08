import { expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { startServerProcess, type ServerProcess } from './corral-server-process';
import { enterAsAdmin } from './support/sign-in';

let server: ServerProcess;
test.beforeAll(async () => {
  server = await startServerProcess();
});
test.afterAll(async () => server?.stop());

async function sessionCookie(): Promise<string> {
  const res = await fetch(new URL('/api/session', server.url), {
    method: 'POST',
    headers: { origin: new URL(server.url).origin, 'content-type': 'application/json' },
    body: JSON.stringify({ token: server.token }),
  });
  expect(res.status).toBe(204);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(';')[0]!;
}

/** Opens a WebSocket with chosen headers; resolves 'open' or the HTTP status it was refused with. */
function tryWebSocket(headers: Record<string, string>): Promise<'open' | number> {
  const url = new URL('/api/ws', server.url);
  url.protocol = 'ws:';
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (err) => reject(err));
  });
}

test('a WebSocket with a valid session from our own origin is accepted', async () => {
  const cookie = await sessionCookie();
  await expect(tryWebSocket({ origin: new URL(server.url).origin, cookie })).resolves.toBe('open');
});

test('a WebSocket from a foreign Origin is refused even with a valid session', async () => {
  const cookie = await sessionCookie();
  await expect(tryWebSocket({ origin: 'http://evil.example', cookie })).resolves.toBe(403);
});

test('a WebSocket without a session, or with a made-up one, is refused', async () => {
  const origin = new URL(server.url).origin;
  await expect(tryWebSocket({ origin })).resolves.toBe(401);
  await expect(tryWebSocket({ origin, cookie: 'corral_session=forged' })).resolves.toBe(401);
});

test('a login from a foreign origin cannot obtain a session', async () => {
  const res = await fetch(new URL('/api/session', server.url), {
    method: 'POST',
    headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
    body: JSON.stringify({ token: server.token }),
  });
  expect(res.status).toBe(403);
  expect(res.headers.get('set-cookie')).toBeNull();
});

test('a page from a foreign origin in the browser cannot open the socket', async ({ page }) => {
  // A real cross-origin page: a second Corral server is a different origin (other port).
  const other = await startServerProcess();
  try {
    await enterAsAdmin(page, server);
    await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
    await page.goto(other.url);
    const wsUrl = new URL('/api/ws', server.url);
    wsUrl.protocol = 'ws:';
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      wsUrl.toString(),
    );
    expect(outcome).toBe('refused');
  } finally {
    await other.stop();
  }
});
