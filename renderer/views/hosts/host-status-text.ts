import type { HostStatus } from '../../../api/hosts-api';

/** `HH:MM` in local time, as the status line shows it. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '?';
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The tone of a status, for its colour (the text always says it too). */
export type StatusTone = 'ok' | 'busy' | 'warn' | 'error';

/**
 * A host's status as one line of text (issue 5: states shown as text, not only colour), e.g.
 * "Online", "Unreachable since 14:05 — connect ECONNREFUSED", "Host key changed".
 */
export function hostStatusText(
  status: HostStatus,
  time: (iso: string) => string = clockTime,
): { text: string; tone: StatusTone } {
  switch (status.state) {
    case 'connecting':
      return { text: 'Connecting…', tone: 'busy' };
    case 'online':
      return { text: 'Online', tone: 'ok' };
    case 'unreachable': {
      // A planned retry means Corral is on it: say so, so nobody presses Reconnect in a loop.
      const retry = status.retryAt ? '; reconnecting' : '';
      return {
        text: `Unreachable since ${time(status.since)} — ${status.error}${retry}`,
        tone: 'error',
      };
    }
    case 'auth-failed':
      return { text: `Authentication failed — ${status.error}`, tone: 'error' };
    case 'key-unknown':
      return { text: 'Host key not yet trusted', tone: 'warn' };
    case 'key-mismatch':
      return { text: 'Host key changed', tone: 'error' };
  }
}
