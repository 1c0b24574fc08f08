import { readFile } from 'node:fs/promises';
import type { Client } from 'ssh2';
import { LibvirtClient, LibvirtRpcError, openSshTransport } from '../../native/libvirt';
import { SshConnectError, connectSsh, type PresentedHostKey } from '../../native/ssh';
import type { HostRecord } from './host-record';
import type { SshLinkKeeper } from './ssh-link-keeper';
import { fingerprintOf, type KnownHostKey } from './known-hosts';
import {
  ConnectFailure,
  errorText,
  type ConnectionTiming,
  type LiveConnection,
} from './live-connection';

/** What an SSH connection attempt needs besides the host record. */
export interface SshConnectorDeps {
  /** The keys trusted for the host now (read at each attempt: trust may have changed). */
  trustedKeys(): KnownHostKey[];
  /** The decrypted password or passphrase, if one is stored. */
  secret(): string | undefined;
  /** Remembers the key the server presented (for trustKey / replaceKey). */
  presented(key: PresentedHostKey): void;
  /** ssh-agent socket (SSH_AUTH_SOCK). */
  agentSocket: string | undefined;
  timing: ConnectionTiming;
  /** Where an SSH connection waits while only libvirtd is away (see SshLinkKeeper). */
  keeper?: ReturnType<SshLinkKeeper['ticket']>;
}

/**
 * Connects to a host over SSH and opens libvirt through it: host key checked against the trusted
 * keys before any credential is sent (none trusted: refused too, as `key-unknown`), then auth,
 * then a fresh LibvirtClient over an exec channel (virt-ssh-helper or nc). When libvirtd is
 * away but SSH is up, the SSH connection goes to `deps.keeper` and the next attempt reuses it.
 */
export async function connectOverSsh(
  host: HostRecord,
  deps: SshConnectorDeps,
): Promise<LiveConnection> {
  const ssh = deps.keeper?.take() ?? (await dial(host, deps));
  return openLibvirt(host, ssh, deps);
}

async function dial(host: HostRecord, deps: SshConnectorDeps): Promise<Client> {
  const trusted = deps.trustedKeys();
  const credentials = await credentialsFor(host, deps);
  try {
    return await connectSsh({
      host: host.address,
      port: host.port,
      username: host.user,
      ...credentials,
      verifyHostKey: (key) => {
        deps.presented(key);
        return trusted.some((t) => t.keyType === key.keyType && t.keyBase64 === key.keyBase64);
      },
      readyTimeoutMs: deps.timing.sshReadyTimeoutMs,
      keepaliveIntervalMs: deps.timing.sshKeepaliveMs,
      keepaliveCountMax: deps.timing.sshKeepaliveCountMax,
    });
  } catch (err) {
    throw classify(err, trusted);
  }
}

async function openLibvirt(
  host: HostRecord,
  ssh: Client,
  deps: SshConnectorDeps,
): Promise<LiveConnection> {
  let client: LibvirtClient | undefined;
  let closed = false;
  let sshClosed = false;
  const listeners: Array<(error: string, daemon: boolean) => void> = [];
  let lastError = '';
  const onError = (err: Error) => (lastError = errorText(err));
  const onSshClose = () => {
    sshClosed = true;
    drop(lastError || 'the SSH connection closed', false);
  };
  const release = () => {
    ssh.off('error', onError);
    ssh.off('close', onSshClose);
  };
  // Only libvirtd went away (EOF on its channel, SSH still up): keep SSH for the next attempt.
  // A keepalive timeout says nothing about where the link broke, so SSH is not trusted then.
  const drop = (why: string, daemon: boolean) => {
    if (closed) return;
    closed = true;
    release();
    if (daemon && deps.keeper) deps.keeper.keep(ssh);
    else ssh.end();
    void client?.close().catch(() => undefined);
    for (const l of listeners) l(why, daemon);
  };
  ssh.on('error', onError);
  ssh.on('close', onSshClose);

  try {
    client = await LibvirtClient.connect(() => openSshTransport(ssh), {
      uri: 'qemu:///system',
      keepaliveIntervalMs: deps.timing.libvirtKeepaliveMs,
      keepaliveCount: deps.timing.libvirtKeepaliveCount,
    });
  } catch (err) {
    const wasClosed = closed;
    closed = true;
    release();
    if (wasClosed || sshClosed) {
      // The SSH link died while libvirt was opening.
      throw new ConnectFailure({
        kind: 'network',
        error: lastError || 'the SSH connection closed',
      });
    }
    // An answer that never came may be a dead link SSH has not noticed yet: not the daemon's.
    const silent =
      err instanceof LibvirtRpcError && (err.code === 'TIMEOUT' || err.code === 'KEEPALIVE');
    if (deps.keeper && !silent) deps.keeper.keep(ssh);
    else ssh.end();
    throw new ConnectFailure({
      kind: 'network',
      error: `libvirt on ${host.address}: ${errorText(err)}`,
      daemon: !silent,
    });
  }
  if (closed) {
    // The SSH link died while libvirt was opening.
    void client.close().catch(() => undefined);
    throw new ConnectFailure({ kind: 'network', error: lastError || 'the SSH connection closed' });
  }
  const live = client;
  live.on('close', (err: Error | undefined) => {
    const keepalive = err instanceof LibvirtRpcError && err.code === 'KEEPALIVE';
    drop(err ? `libvirt: ${errorText(err)}` : 'libvirt closed', !keepalive && !sshClosed);
  });
  return {
    client: live,
    ssh,
    onClose: (l) => listeners.push(l),
    close: async () => {
      closed = true;
      release();
      try {
        await live.close();
      } finally {
        ssh.end();
      }
    },
  };
}

async function credentialsFor(
  host: HostRecord,
  deps: SshConnectorDeps,
): Promise<{ privateKey?: Buffer; passphrase?: string; password?: string; agent?: string }> {
  const auth = host.auth;
  switch (auth.kind) {
    case 'agent':
      if (!deps.agentSocket)
        throw new ConnectFailure({
          kind: 'auth',
          error: 'no SSH agent: SSH_AUTH_SOCK is not set for Corral',
        });
      return { agent: deps.agentSocket };
    case 'key': {
      let privateKey: Buffer;
      try {
        privateKey = await readFile(auth.keyPath);
      } catch (err) {
        throw new ConnectFailure({
          kind: 'auth',
          error: `cannot read the key file ${auth.keyPath}: ${(err as NodeJS.ErrnoException).code ?? errorText(err)}`,
        });
      }
      return { privateKey, passphrase: deps.secret() };
    }
    case 'password': {
      const password = deps.secret();
      if (password === undefined)
        throw new ConnectFailure({ kind: 'auth', error: 'no password is stored for this host' });
      return { password };
    }
  }
}

function classify(err: unknown, trusted: KnownHostKey[]): ConnectFailure {
  if (!(err instanceof SshConnectError))
    return new ConnectFailure({ kind: 'network', error: errorText(err) });
  if (err.stage === 'host-key' && err.presentedKey) {
    const key = err.presentedKey;
    const first = trusted[0];
    return new ConnectFailure(
      first
        ? {
            kind: 'key-mismatch',
            expected: fingerprintOf(first.keyBase64),
            presented: key.fingerprint,
            keyType: key.keyType,
          }
        : { kind: 'key-unknown', fingerprint: key.fingerprint, keyType: key.keyType },
    );
  }
  if (err.stage === 'auth') return new ConnectFailure({ kind: 'auth', error: err.message });
  return new ConnectFailure({ kind: 'network', error: err.message });
}
