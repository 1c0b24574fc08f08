import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntegrationEnv } from './provided';

/** libvirtd's read-write socket. */
export const LIBVIRT_SOCKET = '/var/run/libvirt/libvirt-sock';

/** Sends SIGTERM to one pid we started. */
export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(path)) return resolve(false);
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`integration setup: ${what} did not come up within ${ms} ms`);
}

function pidFromFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** virtlogd's socket; a dead daemon can leave it behind, so only an answer counts. */
const VIRTLOGD_SOCKET = '/var/run/libvirt/virtlogd-sock';

/** Starts `daemon -d` unless its socket answers, records its pid, waits until the socket answers. */
async function ensureDaemon(
  daemon: { name: string; socket: string; pidFile: string; upWithinMs: number },
  started: number[],
): Promise<void> {
  const { name, socket, pidFile, upWithinMs } = daemon;
  if (await socketAnswers(socket)) return;
  try {
    execFileSync(name, ['-d'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`integration setup: cannot start ${name}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const pid = pidFromFile(pidFile);
  if (pid) started.push(pid);
  await waitFor(`${name} socket ${socket}`, upWithinMs, () => socketAnswers(socket));
}

/**
 * Starts virtlogd (libvirtd cannot start a guest without it) and libvirtd unless they answer (no
 * systemd here, measured); records their pids.
 */
export async function ensureLibvirtd(started: number[]): Promise<void> {
  const virtlogd = {
    name: 'virtlogd',
    socket: VIRTLOGD_SOCKET,
    pidFile: '/var/run/virtlogd.pid',
    upWithinMs: 10_000,
  };
  await ensureDaemon(virtlogd, started);
  const libvirtd = {
    name: 'libvirtd',
    socket: LIBVIRT_SOCKET,
    pidFile: '/var/run/libvirtd.pid',
    upWithinMs: 20_000,
  };
  await ensureDaemon(libvirtd, started);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('data', () => {
      s.destroy();
      resolve(true); // the SSH banner
    });
    s.once('error', () => resolve(false));
  });
}

/** A key-only sshd on 127.0.0.1 with fresh host and client keys in a temp dir (pushed to `dirs`). */
export async function startSshd(
  dirs: string[],
): Promise<{ child: ChildProcess; env: Omit<IntegrationEnv, 'libvirtSocket'> }> {
  const dir = mkdtempSync(join(tmpdir(), 'corral-it-sshd-'));
  dirs.push(dir);
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'corral-it-host',
    '-f',
    hostKey,
  ]);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'corral-it-client',
    '-f',
    clientKey,
  ]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 64',
      'MaxStartups 64',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  // Privilege separation directory that Debian's sshd insists on.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`integration setup: sshd exited (${code}): ${stderr.trim()}`)),
    ),
  );
  await Promise.race([
    waitFor(`sshd on 127.0.0.1:${port}`, 10_000, () => tcpAnswers(port)),
    exited,
  ]);
  child.removeAllListeners('exit');
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], {
    encoding: 'utf8',
  }).split(' ')[1];
  if (!fp?.startsWith('SHA256:'))
    throw new Error(`integration setup: no fingerprint for ${hostKey}`);
  const knownHosts = join(dir, 'known_hosts');
  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
  return {
    child,
    env: {
      sshPort: port,
      sshKeyPath: clientKey,
      sshHostFingerprint: fp,
      sshKnownHosts: knownHosts,
    },
  };
}
