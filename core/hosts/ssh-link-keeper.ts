import type { Client } from 'ssh2';

/**
 * Holds a host's SSH connection while its libvirtd is away (restarted, upgraded): the next
 * attempt reuses it and only opens a new exec channel, so retries are cheap enough to be quick
 * and the host never sees a second SSH session from Corral. A kept connection that closes is
 * forgotten; one still kept when the host is removed or edited is ended.
 */
export class SshLinkKeeper {
  private kept: { ssh: Client; release(): void } | undefined;
  private epoch = 0;

  /**
   * One connection attempt's access. Only the newest ticket counts: what an older attempt keeps
   * (it was overtaken by a reconnect, or the host was edited or removed meanwhile) is ended, so
   * there is never a second connection waiting beside the one in use.
   */
  ticket(): { take(): Client | undefined; keep(ssh: Client): void } {
    const epoch = ++this.epoch;
    return {
      take: () => (epoch === this.epoch ? this.take() : undefined),
      keep: (ssh) => (epoch === this.epoch ? this.keep(ssh) : ssh.end()),
    };
  }

  /** Ends the kept connection and voids every ticket issued so far. */
  reset(): void {
    this.epoch++;
    this.drop();
  }

  /** Keeps `ssh` for the next attempt (ending any connection kept before). */
  private keep(ssh: Client): void {
    this.drop();
    // While kept nobody else listens: an 'error' without a listener would crash the process.
    const onError = () => undefined;
    const onClose = () => {
      if (this.kept?.ssh === ssh) this.kept = undefined;
      release();
    };
    const release = () => {
      ssh.off('error', onError);
      ssh.off('close', onClose);
    };
    ssh.on('error', onError);
    ssh.once('close', onClose);
    this.kept = { ssh, release };
  }

  /** The kept connection, now the caller's, or undefined. */
  private take(): Client | undefined {
    const kept = this.kept;
    this.kept = undefined;
    kept?.release();
    return kept?.ssh;
  }

  /** Ends the kept connection, if any. */
  private drop(): void {
    this.take()?.end();
  }
}
