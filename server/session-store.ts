import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Idle sessions expire; a browser left open overnight must log in again. */
const DEFAULT_IDLE_MS = 12 * 60 * 60 * 1000;
/** How often expired sessions are looked for (so their accounts log out and sockets close). */
const SWEEP_MS = 60 * 1000;
/** A renewed session's cookie ticket is for the page that signed in, right now. */
const TICKET_MS = 60 * 1000;

/**
 * The server's access gate: one secret token printed at start-up, exchanged for session ids that
 * travel only in an HttpOnly, SameSite=Strict cookie.
 */
export class SessionStore {
  readonly token: string;
  private readonly sessions = new Map<string, number>();
  /** One-time tickets that set the cookie of a renewed session: ticket -> session id, issued at. */
  private readonly tickets = new Map<string, { id: string; at: number }>();
  private readonly expiredListeners = new Set<(id: string) => void>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(
    token?: string,
    private readonly idleMs = DEFAULT_IDLE_MS,
    sweepMs = Math.min(SWEEP_MS, idleMs),
  ) {
    this.token = token ?? randomBytes(24).toString('base64url');
    this.sweeper = setInterval(() => this.sweep(), sweepMs);
    this.sweeper.unref();
  }

  /** Calls `listener` with each session that expires from idleness (whether or not touched). */
  onExpired(listener: (id: string) => void): () => void {
    this.expiredListeners.add(listener);
    return () => this.expiredListeners.delete(listener);
  }

  /** A new session id for a correct token; undefined otherwise (constant-time comparison). */
  exchange(candidate: string): string | undefined {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, Date.now());
    return id;
  }

  /**
   * Replaces session `from` by `to` (sign-in chose `to`): `from` is dead from now on. Returns a
   * one-time ticket for the page that signed in to exchange for the new cookie, since the socket
   * it signed in on cannot set one. Undefined when `from` is not one of ours (or has expired).
   */
  renew(from: string, to: string): string | undefined {
    if (!this.touch(from)) return undefined;
    this.sessions.delete(from);
    this.sessions.set(to, Date.now());
    const ticket = randomBytes(32).toString('base64url');
    this.tickets.set(ticket, { id: to, at: Date.now() });
    return ticket;
  }

  /** The session a renewal ticket stands for, once; undefined if unknown, used, stale or ended. */
  redeem(ticket: string): string | undefined {
    const entry = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!entry || Date.now() - entry.at > TICKET_MS || !this.touch(entry.id)) return undefined;
    return entry.id;
  }

  /** Whether a session is live; touching it extends its idle deadline. */
  touch(id: string | undefined): boolean {
    if (!id) return false;
    const last = this.sessions.get(id);
    if (last === undefined) return false;
    if (Date.now() - last > this.idleMs) {
      this.expire(id);
      return false;
    }
    this.sessions.set(id, Date.now());
    return true;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  /** Stops the sweeper (server shutdown). */
  dispose(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [t, e] of [...this.tickets]) if (now - e.at > TICKET_MS) this.tickets.delete(t);
    for (const [id, last] of [...this.sessions]) if (now - last > this.idleMs) this.expire(id);
  }

  private expire(id: string): void {
    this.sessions.delete(id);
    for (const listener of [...this.expiredListeners]) listener(id);
  }
}

export const SESSION_COOKIE = 'corral_session';

/** Reads one cookie from a Cookie header without trusting its shape. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
