import { describe, expect, it } from 'vitest';
import { exactTime, relativeTime } from '../../../renderer/app/relative-time';

const now = new Date(2026, 10, 29, 14, 5, 9).getTime();
const ago = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;

describe('relativeTime', () => {
  it('says "just now" within the last 45 seconds, and for a clock slightly ahead', () => {
    expect(relativeTime(ago(0), now)).toBe('just now');
    expect(relativeTime(ago(44_000), now)).toBe('just now');
    expect(relativeTime(ago(-10_000), now)).toBe('just now');
  });

  it('counts minutes, then hours, then days', () => {
    expect(relativeTime(ago(46_000), now)).toBe('1 min ago');
    expect(relativeTime(ago(3 * MIN), now)).toBe('3 min ago');
    expect(relativeTime(ago(59.7 * MIN), now)).toBe('1 h ago');
    expect(relativeTime(ago(2 * 60 * MIN), now)).toBe('2 h ago');
    expect(relativeTime(ago(23.8 * 60 * MIN), now)).toBe('1 day ago');
    expect(relativeTime(ago(4 * 24 * 60 * MIN), now)).toBe('4 days ago');
  });

  it('gives the date a month or more back, and "in …" for the future', () => {
    expect(relativeTime(ago(40 * 24 * 60 * MIN), now)).toBe('on 2026-10-20');
    expect(relativeTime(ago(-5 * MIN), now)).toBe('in 5 min');
  });

  it('accepts numbers and dates, and says so when the time is not a time', () => {
    expect(relativeTime(now - 3 * MIN, now)).toBe('3 min ago');
    expect(relativeTime(new Date(now - 3 * MIN), now)).toBe('3 min ago');
    expect(relativeTime('garbage', now)).toBe('at an unknown time');
  });
});

describe('exactTime', () => {
  it('is the local date and time to the second', () => {
    expect(exactTime(new Date(now).toISOString())).toBe('2026-11-29 14:05:09');
    expect(exactTime('garbage')).toBe('unknown time');
  });
});
