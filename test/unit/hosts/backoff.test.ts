import { describe, expect, it } from 'vitest';
import { DAEMON_QUICK_RETRIES, backoffDelay, daemonBackoff } from '../../../core/hosts/backoff';

describe('backoffDelay', () => {
  it('doubles from the base, half fixed and half jitter', () => {
    expect(backoffDelay(0, {}, () => 0)).toBe(500);
    expect(backoffDelay(0, {}, () => 1)).toBe(1000);
    expect(backoffDelay(1, {}, () => 0)).toBe(1000);
    expect(backoffDelay(3, {}, () => 0.5)).toBe(6000);
  });

  it('never exceeds the 60 s cap, however many attempts', () => {
    for (const attempt of [6, 7, 10, 100, 5000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(attempt, {}, () => 1)).toBe(60_000);
      expect(backoffDelay(attempt, {}, () => 0)).toBe(30_000);
    }
  });

  it('spreads retries: different random draws give different delays within the window', () => {
    const delays = [0, 0.25, 0.5, 0.75, 0.999].map((r) => backoffDelay(4, {}, () => r));
    expect(new Set(delays).size).toBe(delays.length);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(8000);
      expect(d).toBeLessThanOrEqual(16_000);
    }
  });

  it('honours custom base and cap and clamps odd inputs', () => {
    expect(backoffDelay(2, { baseMs: 100, capMs: 300 }, () => 1)).toBe(300);
    expect(backoffDelay(-3, { baseMs: 100 }, () => 1)).toBe(100);
    expect(backoffDelay(0, { baseMs: 100 }, () => 7)).toBe(100);
    expect(backoffDelay(0, { baseMs: 100 }, () => -1)).toBe(50);
  });
});

describe('daemonBackoff', () => {
  it('retries a host whose daemon is away within 2 s, however long it has been away', () => {
    for (const options of [{}, { baseMs: 1_000, capMs: 60_000 }, { baseMs: 5_000 }]) {
      for (const attempt of [0, 1, 2, 5, 50]) {
        expect(backoffDelay(attempt, daemonBackoff(options), () => 1)).toBeLessThanOrEqual(2_000);
      }
    }
    // Still a back-off: the first retry comes sooner than the later ones.
    expect(backoffDelay(0, daemonBackoff(), () => 1)).toBe(1_000);
    expect(backoffDelay(3, daemonBackoff(), () => 0)).toBe(1_000);
  });

  it('falls back to the ordinary back-off once the daemon has been away for long', () => {
    expect(daemonBackoff({}, DAEMON_QUICK_RETRIES - 1).capMs).toBe(2_000);
    expect(daemonBackoff({}, DAEMON_QUICK_RETRIES)).toEqual({});
    expect(
      backoffDelay(DAEMON_QUICK_RETRIES, daemonBackoff({}, DAEMON_QUICK_RETRIES), () => 1),
    ).toBe(60_000);
  });

  it('keeps a smaller configured cap and the base', () => {
    expect(daemonBackoff({ baseMs: 200, capMs: 500 })).toEqual({ baseMs: 200, capMs: 500 });
    expect(daemonBackoff({ baseMs: 200 })).toEqual({ baseMs: 200, capMs: 2_000 });
  });
});
