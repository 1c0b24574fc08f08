import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../core/hosts/backoff';

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
