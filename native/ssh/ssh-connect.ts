import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';

/** A host key as the server presented it, before any credential is sent. */
export interface PresentedHostKey {
  /** The key's type from its blob, e.g. `ssh-ed25519`, `ssh-rsa`. */
  keyType: string;
  /** The raw public key blob, base64 (the known_hosts form). */
  keyBase64: string;
  /** `SHA256:<base64 without padding>`, as OpenSSH prints it. */
  fingerprint: string;
}

/** How to reach and trust one SSH server. */
export interface SshConnectOptions {
  host: string;
  port?: number;
  /** An already open byte stream to the server (e.g. a jump host's forwardOut channel). */
  sock?: Duplex;
  username: string;
  /** Private key (OpenSSH or PEM format). */
  privateKey?: Buffer | string;
  /** Passphrase of an encrypted `privateKey`. */
  passphrase?: string;
  password?: string;
  /** ssh-agent socket path (usually `SSH_AUTH_SOCK`). */
  agent?: string;
  /**
   * The server's host key fingerprint as OpenSSH prints it: `SHA256:<base64 without padding>`.
   * The connection is refused before any credential is sent if the key differs.
   */
  hostKeySha256?: string;
  /**
   * Instead of one pinned fingerprint: decides on the presented key (trusted keys, first
   * contact). Returning false refuses the server before any credential is sent. Exactly one of
   * `hostKeySha256` and `verifyHostKey` is required: trust is not optional.
   */
  verifyHostKey?: (key: PresentedHostKey) => boolean;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives after which the connection is declared dead (ssh2 default 3). */
  keepaliveCountMax?: number;
}

/**
 * Why a connection failed: `host-key` (refused by the verifier; no credential was sent), `auth`
 * (the server refused every credential, or the credential could not be used), `network`.
 */
export class SshConnectError extends Error {
  constructor(
    message: string,
    readonly stage: 'host-key' | 'auth' | 'network',
    readonly presentedKey: PresentedHostKey | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SshConnectError';
  }
}

/** `SHA256:<base64>` of a raw host key, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The type name at the start of an SSH public key blob (a uint32 length, then the name). */
export function hostKeyType(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  if (len === 0 || len > 64 || key.length < 4 + len) return 'unknown';
  return key.subarray(4, 4 + len).toString('latin1');
}

/** Opens an ssh2 connection that trusts only what its verifier accepts, with Nagle off. */
export function connectSsh(opts: SshConnectOptions): Promise<Client> {
  const expected = opts.hostKeySha256?.trim();
  const verify = opts.verifyHostKey ?? ((k: PresentedHostKey) => k.fingerprint === expected);
  if (!expected === !opts.verifyHostKey)
    return Promise.reject(
      new TypeError('connectSsh: give exactly one of hostKeySha256 and verifyHostKey'),
    );
  return new Promise((resolve, reject) => {
    const ssh = new Client();
    let presented: PresentedHostKey | undefined;
    let refused = false;
    const config: ConnectConfig = {
      host: opts.host,
      port: opts.port ?? 22,
      sock: opts.sock as ConnectConfig['sock'],
      username: opts.username,
      privateKey: opts.privateKey,
      passphrase: opts.passphrase,
      password: opts.password,
      agent: opts.agent,
      tryKeyboard: false,
      readyTimeout: opts.readyTimeoutMs ?? 20_000,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      hostVerifier: (key: Buffer) => {
        presented = {
          keyType: hostKeyType(key),
          keyBase64: key.toString('base64'),
          fingerprint: hostKeyFingerprint(key),
        };
        refused = !verify(presented);
        return !refused;
      },
    };
    const where = `ssh to ${opts.host}:${config.port}`;
    let settled = false;
    const onError = (err: Error & { level?: string }) => {
      // ssh2 may emit more errors after the first (e.g. "Connection lost before handshake" after
      // a ready timeout); the listener stays so none of them is unhandled.
      if (settled) return;
      settled = true;
      ssh.end();
      if (refused) {
        const why = expected ? `, expected ${expected}` : '';
        reject(
          new SshConnectError(
            `${where}: host key ${presented?.fingerprint} refused${why}`,
            'host-key',
            presented,
            { cause: err },
          ),
        );
        return;
      }
      const stage = err.level === 'client-authentication' ? 'auth' : 'network';
      reject(new SshConnectError(`${where}: ${err.message}`, stage, presented, { cause: err }));
    };
    ssh.on('error', onError);
    ssh.once('ready', () => {
      ssh.off('error', onError);
      settled = true;
      // measured: with Nagle on, small request/response traffic crawls.
      ssh.setNoDelay(true);
      resolve(ssh);
    });
    try {
      ssh.connect(config);
    } catch (err) {
      // ssh2 parses the private key synchronously: a wrong passphrase or a bad file lands here.
      settled = true;
      reject(
        new SshConnectError(`${where}: ${(err as Error).message}`, 'auth', undefined, {
          cause: err,
        }),
      );
    }
  });
}
