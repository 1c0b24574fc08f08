import type { HostStatus } from '../../api/hosts-api';

/** How one connection attempt (or a live connection) ended. */
export type ConnectOutcome =
  | { kind: 'online' }
  /**
   * The network, the daemon or the keepalive failed: worth retrying. `daemon` means the host
   * itself answered (SSH is up, or the local socket exists) and only libvirtd did not: it is
   * being restarted or upgraded, so it is asked again soon rather than after a long back-off.
   */
  | { kind: 'network'; error: string; daemon?: boolean }
  /** The server refused the credentials, or they could not be used: retrying would not help. */
  | { kind: 'auth'; error: string }
  | { kind: 'key-unknown'; fingerprint: string; keyType: string }
  | { kind: 'key-mismatch'; expected: string; presented: string; keyType: string };

/**
 * The status after `outcome`. Pure, so the rules are unit-tested:
 * - an unreachable host that fails again stays unreachable *since the first failure*, so the UI
 *   says how long it has been gone rather than when the last retry failed;
 * - only network failures are retried (`retryAt`); a wrong password retried forever could lock
 *   the account, and a key problem needs a person.
 */
export function statusAfter(
  prev: HostStatus,
  outcome: ConnectOutcome,
  now: Date,
  retryAt?: Date,
): HostStatus {
  switch (outcome.kind) {
    case 'online':
      return { state: 'online', since: now.toISOString() };
    case 'network':
      return {
        state: 'unreachable',
        since: prev.state === 'unreachable' ? prev.since : now.toISOString(),
        error: outcome.error,
        ...(retryAt ? { retryAt: retryAt.toISOString() } : {}),
      };
    case 'auth':
      return { state: 'auth-failed', error: outcome.error };
    case 'key-unknown':
      return { state: 'key-unknown', fingerprint: outcome.fingerprint, keyType: outcome.keyType };
    case 'key-mismatch':
      return {
        state: 'key-mismatch',
        expected: outcome.expected,
        presented: outcome.presented,
        keyType: outcome.keyType,
      };
  }
}

/** Whether the session should try again by itself after `outcome`. */
export function retriesAfter(outcome: ConnectOutcome): boolean {
  return outcome.kind === 'network';
}
