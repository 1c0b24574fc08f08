import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from './wait';

/**
 * An sshd on 127.0.0.1 (one or more ports) that accepts root's password and the keys in
 * `authorizedKeys`. It runs in a private mount namespace where /etc/shadow is a copy giving root
 * `rootPassword`, so password authentication is tested for real without changing this machine's
 * accounts. Everything it writes lives in `dir`. It can be stopped and started again; a host key
 * already at `hostKey` is kept (a test may put a new one there in between).
 */
export class PasswordSshd {
  readonly hostKey: string;
  private child: ChildProcess | undefined;
  log = '';

  constructor(
    private readonly dir: string,
    private readonly rootPassword: string,
    readonly ports: readonly number[],
    /** More sshd_config lines (log level, connection limits). */
    private readonly extraConfig: readonly string[] = [],
  ) {
    this.hostKey = join(dir, 'ssh_host_ed25519_key');
  }

  /** The first port it listens on. */
  get port(): number {
    return this.ports[0]!;
  }

  /** Starts sshd; without `authorizedKeys`, the ones written before stay. */
  async start(authorizedKeys?: string | Buffer): Promise<void> {
    if (!existsSync(this.hostKey)) {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.hostKey]);
    }
    if (authorizedKeys !== undefined) {
      writeFileSync(join(this.dir, 'authorized_keys'), authorizedKeys, { mode: 0o600 });
    }
    const config = join(this.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        ...this.ports.map((p) => `Port ${p}`),
        'ListenAddress 127.0.0.1',
        `HostKey ${this.hostKey}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'PermitRootLogin yes',
        'PubkeyAuthentication yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        ...this.extraConfig,
        '',
      ].join('\n'),
    );
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const shadow = join(this.dir, 'shadow');
    this.writeShadow(shadow);
    // The paths travel as positional parameters ($1, $2), never pasted into the script.
    const child = spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        '--',
        '/bin/sh',
        '-c',
        'mount --bind "$1" /etc/shadow && exec /usr/sbin/sshd -D -e -f "$2"',
        'sh',
        shadow,
        config,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child = child;
    await waitUntil('sshd listening', 10_000, () => this.log.includes('Server listening'));
  }

  /** SHA256 fingerprint of the host key, as a person would compare it. */
  get fingerprint(): string {
    return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${this.hostKey}.pub`], {
      encoding: 'utf8',
    }).split(' ')[1]!;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  }

  /** A copy of /etc/shadow in which root's hash is the password's (sha512-crypt by openssl). */
  private writeShadow(path: string): void {
    const hash = execFileSync('openssl', ['passwd', '-6', '-stdin'], {
      input: this.rootPassword,
      encoding: 'utf8',
    }).trim();
    const lines = readFileSync('/etc/shadow', 'utf8').split('\n');
    const rootLine = lines.findIndex((l) => l.startsWith('root:'));
    if (rootLine < 0) throw new Error('no root line in /etc/shadow');
    const fields = lines[rootLine]!.split(':');
    fields[1] = hash;
    lines[rootLine] = fields.join(':');
    writeFileSync(path, lines.join('\n'), { mode: 0o600 });
  }
}
