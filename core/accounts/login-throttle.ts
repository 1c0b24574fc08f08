import { CorralError } from '../../api/errors';

/**
 * The limits, in one place (the README's security paragraph quotes them):
 * - an address: 5 failed sign-ins (any user names) free, then it must wait 1 s, 2 s, 4 s, …
 *   after each further failure, at most 15 min;
 * - an account: 5 failures (from any addresses) free, then 1 s, 2 s, … at most 60 s; this
 *   wait applies only to addresses that have themselves failed 3 times on that account, so
 *   someone else's guessing never holds up the real user at their own address;
 * - counters are forgotten after a quiet quarter hour.
 */
export const THROTTLE_LIMITS = {
  sourceFree: 5,
  sourceMaxMs: 15 * 60 * 1000,
  accountFree: 5,
  accountMaxMs: 60 * 1000,
  suspectAfter: 3,
  baseMs: 1000,
  forgetAfterMs: 15 * 60 * 1000,
} as const;

/** Counters kept before old ones are swept (an attacker cycling names must not grow memory). */
const SWEEP_ABOVE = 10_000;

/** The wait after `failures` failures when `free` are free: doubling from 1 s, capped. */
export function throttleDelayMs(failures: number, free: number, maxMs: number): number {
  if (failures < free) return 0;
  return Math.min(maxMs, THROTTLE_LIMITS.baseMs * 2 ** Math.min(failures - free, 40));
}

interface Counter {
  failures: number;
  blockedUntil: number;
  last: number;
}

/** One sign-in attempt that passed the throttle; it counts as a failure unless it succeeds. */
export interface LoginAttempt {
  succeeded(): void;
}

/**
 * Slows password guessing per account and per source address. An attempt is counted as a failure
 * the moment it starts (before the slow password check), so attempts made in parallel see each
 * other: N concurrent wrong guesses count N, and those past the limit are refused unchecked.
 * Refused attempts do not count, so an attacker cannot stretch a block by hammering it.
 */
export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts an attempt, or throws `unavailable` (with `retryAfterMs`) while it must wait. */
  begin(username: string, source: string): LoginAttempt {
    const now = this.now();
    if (this.counters.size > SWEEP_ABOVE) this.sweep(now);
    const name = username.trim().toLowerCase();
    const src = this.counter(`source\0${source}`, now);
    const account = this.counter(`account\0${name}`, now);
    const pair = this.counter(`pair\0${source}\0${name}`, now);
    let waitMs = src.blockedUntil - now;
    if (pair.failures >= THROTTLE_LIMITS.suspectAfter) {
      waitMs = Math.max(waitMs, account.blockedUntil - now);
    }
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new CorralError('unavailable', `Too many failed sign-ins; try again in ${seconds} s.`, {
        retryAfterMs: waitMs,
      });
    }
    const { sourceFree, sourceMaxMs, accountFree, accountMaxMs } = THROTTLE_LIMITS;
    const srcBlockedBefore = src.blockedUntil;
    for (const c of [src, account, pair]) {
      c.failures += 1;
      c.last = now;
    }
    src.blockedUntil = now + throttleDelayMs(src.failures, sourceFree, sourceMaxMs);
    account.blockedUntil = now + throttleDelayMs(account.failures, accountFree, accountMaxMs);
    let done = false;
    return {
      succeeded: () => {
        if (done) return;
        done = true;
        // The right password clears the account; the address only gets this attempt back, so
        // signing in to one's own account does not reset guessing at others.
        this.counters.delete(`account\0${name}`);
        this.counters.delete(`pair\0${source}\0${name}`);
        src.failures = Math.max(0, src.failures - 1);
        // Lift the block this attempt set, unless a later attempt has set its own since.
        if (src.last === now) src.blockedUntil = srcBlockedBefore;
      },
    };
  }

  private counter(key: string, now: number): Counter {
    let c = this.counters.get(key);
    if (c && this.stale(c, now)) c = undefined;
    if (!c) {
      c = { failures: 0, blockedUntil: 0, last: now };
      this.counters.set(key, c);
    }
    return c;
  }

  private stale(c: Counter, now: number): boolean {
    return now >= c.blockedUntil && now - c.last > THROTTLE_LIMITS.forgetAfterMs;
  }

  private sweep(now: number): void {
    for (const [key, c] of this.counters) if (this.stale(c, now)) this.counters.delete(key);
  }
}
