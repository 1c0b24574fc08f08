import { describe, expect, it } from 'vitest';
import { retriesAfter, statusAfter } from '../../../core/hosts/host-status';

const t0 = new Date('2026-11-24T14:05:00.000Z');
const t1 = new Date('2026-11-24T14:06:30.000Z');

describe('statusAfter', () => {
  it('goes online with the time', () => {
    expect(statusAfter({ state: 'connecting', attempt: 0 }, { kind: 'online' }, t0)).toEqual({
      state: 'online',
      since: t0.toISOString(),
    });
  });

  it('keeps "unreachable since" at the first failure while retries fail', () => {
    const first = statusAfter(
      { state: 'online', since: '' },
      { kind: 'network', error: 'EHOSTUNREACH' },
      t0,
      t1,
    );
    expect(first).toEqual({
      state: 'unreachable',
      since: t0.toISOString(),
      error: 'EHOSTUNREACH',
      retryAt: t1.toISOString(),
    });
    const again = statusAfter(first, { kind: 'network', error: 'timed out' }, t1);
    expect(again).toEqual({ state: 'unreachable', since: t0.toISOString(), error: 'timed out' });
  });

  it('maps credential and key problems to their states, and only retries the network', () => {
    const prev = { state: 'connecting', attempt: 0 } as const;
    expect(statusAfter(prev, { kind: 'auth', error: 'denied' }, t0)).toEqual({
      state: 'auth-failed',
      error: 'denied',
    });
    expect(
      statusAfter(
        prev,
        { kind: 'key-unknown', fingerprint: 'SHA256:x', keyType: 'ssh-ed25519' },
        t0,
      ),
    ).toEqual({ state: 'key-unknown', fingerprint: 'SHA256:x', keyType: 'ssh-ed25519' });
    expect(
      statusAfter(
        prev,
        { kind: 'key-mismatch', expected: 'SHA256:a', presented: 'SHA256:b', keyType: 'ssh-rsa' },
        t0,
      ),
    ).toEqual({
      state: 'key-mismatch',
      expected: 'SHA256:a',
      presented: 'SHA256:b',
      keyType: 'ssh-rsa',
    });
    expect(retriesAfter({ kind: 'network', error: '' })).toBe(true);
    expect(retriesAfter({ kind: 'auth', error: '' })).toBe(false);
    expect(retriesAfter({ kind: 'key-unknown', fingerprint: '', keyType: '' })).toBe(false);
    expect(retriesAfter({ kind: 'key-mismatch', expected: '', presented: '', keyType: '' })).toBe(
      false,
    );
  });
});
