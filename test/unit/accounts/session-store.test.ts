import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCookie, SessionStore } from '../../../server/session-store';

describe('server SessionStore idle expiry (issue 6: an expired session logs its user out)', () => {
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

  it('reads the session cookie among others', () => {
    expect(readCookie('a=1; corral_session=xyz; b=2', 'corral_session')).toBe('xyz');
    expect(readCookie(undefined, 'corral_session')).toBeUndefined();
  });
});
