/** Reconnect timing (issue 5: exponential backoff with jitter, capped at 60 s). */
export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. */
  baseMs?: number;
  /** No wait is ever longer than this, in ms. */
  capMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 1_000, capMs: 60_000 };

/**
 * The cap while the host answers but its libvirtd does not (a daemon restart): asking costs one
 * exec channel on an SSH connection already open (or a local socket), and the host's VMs should
 * be live again within a couple of seconds of the daemon coming back, not a minute later.
 */
export const DAEMON_RETRY_CAP_MS = 2_000;
/**
 * Quick retries last this many attempts (1-2 minutes): longer than a restart or an upgrade. A
 * daemon still away after that (stopped for good, or a socket the user may not open looks the
 * same from here) is asked on the ordinary back-off.
 */
export const DAEMON_QUICK_RETRIES = 60;

/**
 * The back-off for retry number `daemonAttempt` (0 = first) of a run in which only the daemon is
 * away: as configured but capped at {@link DAEMON_RETRY_CAP_MS}, then as configured.
 */
export function daemonBackoff(options: BackoffOptions = {}, daemonAttempt = 0): BackoffOptions {
  if (daemonAttempt >= DAEMON_QUICK_RETRIES) return options;
  return {
    ...options,
    capMs: Math.min(options.capMs ?? DEFAULT_BACKOFF.capMs, DAEMON_RETRY_CAP_MS),
  };
}

/**
 * The wait before retry number `attempt` (0 = first retry): "equal jitter", i.e. half of
 * min(cap, base * 2^attempt) plus a random share of the other half. The fixed half keeps a
 * flapping host from being hammered; the random half keeps many Corral instances (or many hosts
 * that dropped together) from retrying in lockstep. `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { baseMs, capMs } = { ...DEFAULT_BACKOFF, ...options };
  const n = Math.max(0, Math.floor(attempt));
  // 2^n overflows to Infinity long after the cap bites; min() keeps it finite.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(n, 52));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
