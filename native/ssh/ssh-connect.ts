import { createHash } from 'node:crypto';
import { Client, type ConnectConfig } from 'ssh2';

/** How to reach and trust one SSH server. */
export interface SshConnectOptions {
  host: string;
  port?: number;
  username: string;
  /** Private key (OpenSSH or PEM format). */
  privateKey: Buffer | string;
  /**
   * The server's host key fingerprint as OpenSSH prints it: `SHA256:<base64 without padding>`.
   * The connection is refused before any credential is sent if the key differs.
   */
  hostKeySha256: string;
  /** Extra ssh2 settings (never hostVerifier: trust is not optional). */
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

/** `SHA256:<base64>` of a raw host key, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Opens an ssh2 connection that trusts exactly one host key, with Nagle off. */
export function connectSsh(opts: SshConnectOptions): Promise<Client> {
  const expected = opts.hostKeySha256.trim();
  return new Promise((resolve, reject) => {
    const ssh = new Client();
    let seen = '';
    const config: ConnectConfig = {
      host: opts.host,
      port: opts.port ?? 22,
      username: opts.username,
      privateKey: opts.privateKey,
      readyTimeout: opts.readyTimeoutMs ?? 20_000,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
      hostVerifier: (key: Buffer) => {
        seen = hostKeyFingerprint(key);
        return seen === expected;
      },
    };
    const onError = (err: Error) => {
      const why = seen && seen !== expected ? ` (host key ${seen}, expected ${expected})` : '';
      reject(new Error(`ssh to ${opts.host}:${config.port}: ${err.message}${why}`, { cause: err }));
    };
    ssh.once('error', onError);
    ssh.once('ready', () => {
      ssh.off('error', onError);
      // LAB-NOTES: with Nagle on, small request/response traffic crawls.
      ssh.setNoDelay(true);
      resolve(ssh);
    });
    ssh.connect(config);
  });
}
