import { describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import {
  LoginThrottle,
  THROTTLE_LIMITS,
  throttleDelayMs,
} from '../../../core/accounts/login-throttle';

/** A failed attempt: begun and never succeeded. */
const fail = (t: LoginThrottle, user: string, source: string) => void t.begin(user, source);

/** How long `begin` says to wait, or 0 when it lets the attempt through. */
function waitOf(t: LoginThrottle, user: string, source: string): number {
  try {
    t.begin(user, source);
    return 0;
  } catch (err) {
    expect(err).toBeInstanceOf(CorralError);
    expect(err).toMatchObject({ code: 'unavailable' });
    return ((err as CorralError).detail as { retryAfterMs: number }).retryAfterMs;
  }
}

describe('login throttle', () => {
  it('lets a few failures through, then doubles the wait up to each cap', () => {
    expect([0, 1, 4].map((n) => throttleDelayMs(n, 5, 60_000))).toEqual([0, 0, 0]);
    expect(throttleDelayMs(5, 5, 60_000)).toBe(1000);
    expect(throttleDelayMs(6, 5, 60_000)).toBe(2000);
    expect(throttleDelayMs(500, 5, 60_000)).toBe(60_000);
    expect(throttleDelayMs(500, 5, THROTTLE_LIMITS.sourceMaxMs)).toBe(15 * 60 * 1000);
  });

  it('counts an attempt the moment it starts, so attempts in flight together count each one', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    // Ten guesses started together, none finished: the first five pass, the rest must wait.
    const outcomes = Array.from({ length: 10 }, () => waitOf(t, 'alice', '10.0.0.9'));
    expect(outcomes.filter((w) => w === 0)).toHaveLength(THROTTLE_LIMITS.sourceFree);
    expect(outcomes.slice(5).every((w) => w === 1000)).toBe(true);
    // Refused attempts do not count: after the wait exactly one more gets through.
    now += 1000;
    expect(waitOf(t, 'alice', '10.0.0.9')).toBe(0);
    expect(waitOf(t, 'alice', '10.0.0.9')).toBe(2000);
  });

  it('throttles an address across user names, and forgets it after a quiet quarter hour', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) fail(t, `user${i}`, '10.0.0.9');
    expect(waitOf(t, 'someone-else', '10.0.0.9')).toBe(1000);
    expect(waitOf(t, 'someone-else', '10.0.0.10')).toBe(0);
    now += THROTTLE_LIMITS.forgetAfterMs + 1;
    expect(waitOf(t, 'someone-else', '10.0.0.9')).toBe(0);
  });

  it('caps what an address can be made to wait at 15 minutes', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    let longest = 0;
    for (let i = 0; i < 200; i++) {
      const wait = waitOf(t, 'alice', '10.0.0.9');
      longest = Math.max(longest, wait);
      now += wait; // the attacker retries the moment it may
    }
    expect(longest).toBe(THROTTLE_LIMITS.sourceMaxMs);
  });

  it('slows guessing on one account spread over many addresses, at most 60 s each time', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    // Each address is a suspect for alice after three failures on her account.
    for (let a = 0; a < 4; a++) for (let i = 0; i < 3; i++) fail(t, 'alice', `10.0.1.${a}`);
    // Twelve failures on the account: its wait is past the cap, but the cap holds.
    expect(waitOf(t, 'alice', '10.0.1.0')).toBe(THROTTLE_LIMITS.accountMaxMs);
    now += THROTTLE_LIMITS.accountMaxMs;
    expect(waitOf(t, 'alice', '10.0.1.1')).toBe(0);
  });

  it('never holds up the right password from another address because of someone else', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    // An attacker hammers alice's account from many addresses, retrying as soon as allowed.
    for (let round = 0; round < 50; round++) {
      for (let a = 0; a < 20; a++) waitOf(t, 'alice', `10.0.2.${a}`);
      now += 1000;
    }
    // The account itself is blocked for the attacker's addresses (suspects)...
    for (let a = 0; a < 20; a++) expect(waitOf(t, 'alice', `10.0.2.${a}`)).toBeGreaterThan(0);
    // ...while alice, at her own address, goes straight through, even after two typos.
    expect(waitOf(t, 'alice', '192.168.1.5')).toBe(0);
    expect(waitOf(t, 'alice', '192.168.1.5')).toBe(0);
    expect(() => t.begin('alice', '192.168.1.5').succeeded()).not.toThrow();
  });

  it('gives an address back only the attempt that succeeded, not its earlier failures', () => {
    const now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 4; i++) fail(t, 'victim', '10.0.0.9');
    t.begin('mallory', '10.0.0.9').succeeded();
    // Mallory's own successful sign-in does not reset the guessing at 'victim'.
    fail(t, 'victim', '10.0.0.9');
    expect(waitOf(t, 'victim', '10.0.0.9')).toBe(1000);
  });
});
