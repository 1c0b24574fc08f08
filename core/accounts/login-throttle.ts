/** No delay for the first few mistakes (typos), then doubling, capped. */
const FREE_FAILURES = 3;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
/** Failures are forgotten after a quiet quarter hour. */
const FORGET_AFTER_MS = 15 * 60 * 1000;

/** The delay before answering the next attempt after `failures` consecutive failures. */
export function loginDelayMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES));
}

/**
 * Slows repeated failed logins per user name (whether or not it exists, so the delay says
 * nothing about which names are real).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  delayFor(username: string): number {
    const entry = this.current(username);
    return entry ? loginDelayMs(entry.count) : 0;
  }

  recordFailure(username: string): void {
    const entry = this.current(username);
    this.failures.set(key(username), { count: (entry?.count ?? 0) + 1, last: this.now() });
  }

  recordSuccess(username: string): void {
    this.failures.delete(key(username));
  }

  private current(username: string) {
    const entry = this.failures.get(key(username));
    if (entry && this.now() - entry.last > FORGET_AFTER_MS) {
      this.failures.delete(key(username));
      return undefined;
    }
    return entry;
  }
}

const key = (username: string) => username.trim().toLowerCase();
