import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCookie, SessionStore } from '../../../server/session-store';

describe('server SessionStore: idle expiry and renewal at sign-in', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports a session that went idle, found by the sweeper, once', () => {
    const store = new SessionStore('tok', 1_000, 250);
    const expired: string[] = [];
    store.onExpired((id) => expired.push(id));
    const id = store.exchange('tok')!;
    vi.advanceTimersByTime(900);
    expect(store.touch(id)).toBe(true);
    vi.advanceTimersByTime(900);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(400);
    expect(expired).toEqual([id]);
    expect(store.touch(id)).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual([id]);
    store.dispose();
  });

  it('reports a session found expired when touched, and never one that was ended', () => {
    const store = new SessionStore('tok', 1_000, 60_000);
    const expired: string[] = [];
    store.onExpired((id) => expired.push(id));
    const stale = store.exchange('tok')!;
    const ended = store.exchange('tok')!;
    store.end(ended);
    vi.setSystemTime(Date.now() + 2_000);
    expect(store.touch(stale)).toBe(false);
    expect(expired).toEqual([stale]);
    expect(store.exchange('wrong')).toBeUndefined();
    store.dispose();
  });

  it('renews a session: the old id is dead, the ticket sets the new one once, within a minute', () => {
    const store = new SessionStore('tok', 60 * 60_000, 60_000);
    const old = store.exchange('tok')!;
    const ticket = store.renew(old, 'fresh-id')!;
    expect(ticket).toBeTruthy();
    expect(store.touch(old)).toBe(false);
    expect(store.touch('fresh-id')).toBe(true);
    expect(store.redeem(ticket)).toBe('fresh-id');
    expect(store.redeem(ticket)).toBeUndefined();
    // A ticket not redeemed within a minute is worthless; an unknown id renews nothing.
    const late = store.renew('fresh-id', 'later-id')!;
    vi.setSystemTime(Date.now() + 61_000);
    expect(store.redeem(late)).toBeUndefined();
    expect(store.renew('never-issued', 'x')).toBeUndefined();
    expect(store.touch('x')).toBe(false);
    store.dispose();
  });

  it('reads the session cookie among others', () => {
    expect(readCookie('a=1; corral_session=xyz; b=2', 'corral_session')).toBe('xyz');
    expect(readCookie(undefined, 'corral_session')).toBeUndefined();
  });
});
