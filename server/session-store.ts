import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Idle sessions expire; a browser left open overnight must log in again. */
const DEFAULT_IDLE_MS = 12 * 60 * 60 * 1000;
/** How often expired sessions are looked for (so their accounts log out and sockets close). */
const SWEEP_MS = 60 * 1000;

/**
 * The server's access gate: one secret token printed at start-up, exchanged for session ids that
 * travel only in an HttpOnly, SameSite=Strict cookie.
 */
export class SessionStore {
  readonly token: string;
  private readonly sessions = new Map<string, number>();
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
