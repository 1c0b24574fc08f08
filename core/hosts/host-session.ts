import type { HostStatus } from '../../api/hosts-api';
import type { LibvirtClient } from '../../native/libvirt';
import { backoffDelay, daemonBackoff, type BackoffOptions } from './backoff';
import { retriesAfter, statusAfter, type ConnectOutcome } from './host-status';
import { ConnectFailure, errorText, type Connector, type LiveConnection } from './live-connection';

/** What a session reports to the hosts service. */
export interface HostSessionEvents {
  status(status: HostStatus): void;
  online(client: LibvirtClient): void;
  offline(error: string): void;
}

/**
 * One host's connection over time: connect, watch, and on a dropped link retry with backoff and
 * jitter (issue 5) until it is back; stop at problems only a person can fix (credentials, host
 * key). Each attempt gets a generation number so a late answer from an abandoned attempt (after
 * reconnect() or dispose()) is closed instead of being taken for the current one.
 */
export class HostSession {
  private current: HostStatus = { state: 'connecting', attempt: 0 };
  private live: LiveConnection | undefined;
  private generation = 0;
  private failures = 0;
  /** Consecutive failures in which the host answered but libvirtd did not. */
  private daemonFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private connector: Connector,
    private readonly events: HostSessionEvents,
    private readonly backoff: BackoffOptions = {},
  ) {}

  get status(): HostStatus {
    return this.current;
  }

  /** The live client, when online. */
  get client(): LibvirtClient | undefined {
    return this.live?.client;
  }

  /** The live ssh2 connection, when online over SSH. */
  get ssh(): LiveConnection['ssh'] {
    return this.live?.ssh;
  }

  /** Starts (or restarts now, skipping any wait) a connection; drops the current one first. */
  connect(connector: Connector = this.connector): void {
    this.connector = connector;
    this.failures = 0;
    this.daemonFailures = 0;
    this.setStatus({ state: 'connecting', attempt: 0 });
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    clearTimeout(this.timer);
    const gen = ++this.generation;
    await this.closeLive('reconnecting');
    let live: LiveConnection;
    try {
      live = await this.connector();
    } catch (err) {
      if (gen !== this.generation || this.disposed) return;
      const outcome: ConnectOutcome =
        err instanceof ConnectFailure ? err.outcome : { kind: 'network', error: errorText(err) };
      this.failed(outcome);
      return;
    }
    if (gen !== this.generation || this.disposed) {
      void live.close().catch(() => undefined);
      return;
    }
    this.live = live;
    this.failures = 0;
    this.daemonFailures = 0;
    live.onClose((error, daemon) => {
      if (gen !== this.generation || this.live !== live) return;
      this.live = undefined;
      this.events.offline(error);
      this.failed({ kind: 'network', error, daemon });
    });
    this.setStatus(statusAfter(this.current, { kind: 'online' }, new Date()));
    this.events.online(live.client);
  }

  private failed(outcome: ConnectOutcome): void {
    let retryAt: Date | undefined;
    if (retriesAfter(outcome)) {
      const delay = backoffDelay(this.failures++, this.backoffFor(outcome));
      retryAt = new Date(Date.now() + delay);
      this.timer = setTimeout(() => void this.attempt(), delay);
      this.timer.unref?.();
    }
    this.setStatus(statusAfter(this.current, outcome, new Date(), retryAt));
  }

  private backoffFor(outcome: ConnectOutcome): BackoffOptions {
    if (outcome.kind !== 'network' || !outcome.daemon) return this.backoff;
    return daemonBackoff(this.backoff, this.daemonFailures++);
  }

  private setStatus(status: HostStatus): void {
    this.current = status;
    this.events.status(status);
  }

  private async closeLive(why: string): Promise<void> {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    this.events.offline(why);
    await live.close().catch(() => undefined);
  }

  /** Stops for good: no retry, the connection closed. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.generation++;
    clearTimeout(this.timer);
    await this.closeLive('removed');
  }
}
