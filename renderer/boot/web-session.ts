import { connectWebSocket } from '../../api/websocket-transport';
import type { Transport } from '../../api/transport';

/** Whether this browser already holds a live session cookie. */
export async function hasWebSession(): Promise<boolean> {
  const res = await fetch('/api/session', { credentials: 'same-origin' });
  return res.ok;
}

/** Exchanges the one-time ticket of a renewed session (after sign-in) for its cookie. */
async function takeRenewedSession(ticket: string): Promise<void> {
  const res = await fetch('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket }),
  });
  if (!res.ok) console.warn(`corral: the renewed session cookie was refused (${res.status})`);
}

/** Exchanges the printed access token for an HttpOnly session cookie. */
export async function logInWithToken(token: string): Promise<void> {
  const res = await fetch('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (res.status === 401) throw new Error('That access token is not valid for this server.');
  if (!res.ok) throw new Error(`Login failed (HTTP ${res.status}).`);
}

/** Reads and forgets a `#token=` fragment, so it does not linger in history. */
export function takeTokenFromLocation(): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

export function openWebTransport(): Promise<Transport> {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return connectWebSocket(`${scheme}://${location.host}/api/ws`, {
    onSessionTicket: (ticket) => void takeRenewedSession(ticket).catch(() => {}),
  });
}
