import { describe, expect, it } from 'vitest';
import { clockTime, hostStatusText } from '../../../renderer/views/hosts/host-status-text';

const fixed = () => '14:05';

describe('hostStatusText', () => {
  it('says every state in words, with a tone for the colour', () => {
    expect(hostStatusText({ state: 'connecting', attempt: 0 })).toEqual({
      text: 'Connecting…',
      tone: 'busy',
    });
    expect(hostStatusText({ state: 'online', since: '2026-11-24T14:05:00Z' })).toEqual({
      text: 'Online',
      tone: 'ok',
    });
    expect(
      hostStatusText(
        { state: 'unreachable', since: '2026-11-24T14:05:00Z', error: 'connect ECONNREFUSED' },
        fixed,
      ),
    ).toEqual({ text: 'Unreachable since 14:05 — connect ECONNREFUSED', tone: 'error' });
    expect(
      hostStatusText(
        {
          state: 'unreachable',
          since: '2026-11-24T14:05:00Z',
          error: 'libvirt closed',
          retryAt: '2026-11-24T14:05:02Z',
        },
        fixed,
      ).text,
    ).toBe('Unreachable since 14:05 — libvirt closed; reconnecting');
    expect(
      hostStatusText({
        state: 'auth-failed',
        error: 'All configured authentication methods failed',
      }).text,
    ).toBe('Authentication failed — All configured authentication methods failed');
    expect(
      hostStatusText({ state: 'key-unknown', fingerprint: 'SHA256:x', keyType: 'ssh-ed25519' })
        .text,
    ).toBe('Host key not yet trusted');
    expect(
      hostStatusText({
        state: 'key-mismatch',
        expected: 'a',
        presented: 'b',
        keyType: 'ssh-ed25519',
      }),
    ).toEqual({ text: 'Host key changed', tone: 'error' });
  });

  it('formats local clock time as HH:MM', () => {
    const d = new Date(2026, 10, 24, 9, 7, 30);
    expect(clockTime(d.toISOString())).toBe('09:07');
    expect(clockTime('not a date')).toBe('?');
  });
});
