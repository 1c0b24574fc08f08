import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chmodSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CorralError } from '../../api/errors';
import { SECRET_KEY_FILE } from '../../core/secrets/file-key-cipher';
import type { HostStatus, HostView } from '../../api/hosts-api';
import { HostsService } from '../../core/hosts/hosts-service';
import { FileKeyCipher } from '../../core/secrets/file-key-cipher';
import { PasswordSshd } from './support/password-sshd';
import { waitUntil } from './support/wait';

/**
 * Hosts against a real sshd (our own, so we can regenerate its host key, allow passwords and
 * restart it) and this machine's libvirtd, with a TCP relay in between whose forwarding we can
 * stall to cut the link like a pulled cable: no FIN, no RST, only keepalive notices.
 */

const root = mkdtempSync(join(tmpdir(), 'corral-h4-hosts-'));
const keygen = (path: string, comment: string) => {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
};

/** root's password inside the test sshd's mount namespace (the machine's own is untouched). */
const ROOT_PASSWORD = 'corral-h4 the password';

const clientKey = join(root, 'client_ed25519');
const strangerKey = join(root, 'stranger_ed25519');

/** A TCP relay to the sshd; `cut()` stalls every byte both ways, `restore()` lets them flow. */
class Relay {
  private server!: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private stalled = false;
  port = 0;

  constructor(private readonly target: () => number) {}

  async start(): Promise<void> {
    this.server = createServer((down) => {
      const up = connect(this.target(), '127.0.0.1');
      const pair: [Socket, Socket] = [down, up];
      this.pairs.add(pair);
      const pipe = (from: Socket, to: Socket) =>
        from.on('data', (d) => {
          if (!this.stalled) to.write(d);
        });
      pipe(down, up);
      pipe(up, down);
      const end = () => {
        this.pairs.delete(pair);
        down.destroy();
        up.destroy();
      };
      down.on('close', end).on('error', end);
      up.on('close', end).on('error', end);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  cut(): void {
    this.stalled = true;
  }

  /** Lets new connections through; the stalled ones are dead to both ends anyway. */
  restore(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    this.stalled = false;
  }

  close(): Promise<void> {
    this.restore();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Logs every auth request (LogLevel DEBUG1); restarted with a new host key by one test. */
let sshd: PasswordSshd;
const relay = new Relay(() => sshd.port);
let agent: ChildProcess | undefined;
const agentSocket = join(root, 'agent.sock');
const services: HostsService[] = [];
const lockedKey = join(root, 'locked_ed25519');
const PASSPHRASE = 'corral-h4 passphrase';

function newService(dataDir = mkdtempSync(join(root, 'data-'))): HostsService {
  const service = new HostsService({
    dataDir,
    cipher: new FileKeyCipher(dataDir),
    localHost: false,
    agentSocket,
    timing: {
      sshKeepaliveMs: 1_000,
      sshKeepaliveCountMax: 2,
      libvirtKeepaliveMs: 1_000,
      libvirtKeepaliveCount: 3,
      sshReadyTimeoutMs: 4_000,
    },
    backoff: { baseMs: 200, capMs: 2_000 },
  });
  services.push(service);
  return service;
}

/** A host's status; `undefined` while the host is not listed (yet). */
const statusOf = (service: HostsService, id: string): HostStatus =>
  service.list().find((h) => h.id === id)?.status as HostStatus;

function waitState<S extends HostStatus['state']>(
  service: HostsService,
  id: string,
  state: S,
  ms = 30_000,
): Promise<Extract<HostStatus, { state: S }>> {
  return waitUntil(`host ${id} ${state} (now ${JSON.stringify(statusOf(service, id))})`, ms, () => {
    const s = statusOf(service, id);
    return s?.state === state ? (s as Extract<HostStatus, { state: S }>) : undefined;
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  sshd = new PasswordSshd(
    root,
    ROOT_PASSWORD,
    [await freePort()],
    ['LogLevel DEBUG1', 'MaxStartups 64'],
  );
  keygen(sshd.hostKey, 'corral-h4-host');
  keygen(clientKey, 'corral-h4-client');
  keygen(strangerKey, 'corral-h4-stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', lockedKey]);
  await sshd.start(
    Buffer.concat([readFileSync(`${clientKey}.pub`), readFileSync(`${lockedKey}.pub`)]),
  );
  await relay.start();
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  await waitUntil('ssh-agent socket', 5_000, () => {
    try {
      execFileSync('ssh-add', [clientKey], {
        env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
        stdio: 'pipe',
      });
      return true;
    } catch {
      return false;
    }
  });
});

afterAll(async () => {
  for (const s of services) s.dispose();
  await relay.close();
  await sshd?.stop();
  agent?.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

const keyHost = (name: string, keyPath = clientKey) => ({
  name,
  address: '127.0.0.1',
  port: sshd.port,
  user: 'root',
  auth: { kind: 'key' as const, keyPath },
});

describe('hosts: trust on first use', () => {
  let service: HostsService;
  let id: string;

  it('stops at key-unknown with the SHA-256 fingerprint, before any credential is sent', async () => {
    service = newService();
    const logFrom = sshd.log.length;
    id = service.add(keyHost('tofu')).id;
    const status = await waitState(service, id, 'key-unknown');
    expect(status).toEqual({
      state: 'key-unknown',
      fingerprint: sshd.fingerprint,
      keyType: 'ssh-ed25519',
    });
    // The sshd saw the connection and the key exchange, and not a single auth request.
    await waitUntil('sshd logs the disconnect', 5_000, () =>
      /Connection (closed|reset)|disconnect/i.test(sshd.log.slice(logFrom)),
    );
    const log = sshd.log.slice(logFrom);
    expect(log).toMatch(/Connection from 127\.0\.0\.1/);
    expect(log).not.toMatch(/userauth-request|Accepted|Failed (publickey|password)/);
    expect(service.list()[0]!.trustedFingerprint).toBeUndefined();
  });

  it('refuses to trust a fingerprint other than the one presented', () => {
    expect(() =>
      service.trustKey(id, 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
    ).toThrow(/presented SHA256:.*not SHA256:AAAA/);
    expect(statusOf(service, id).state).toBe('key-unknown');
  });

  it('after trust, connects, lists domains and stores the key in known_hosts format', async () => {
    const onlines: string[] = [];
    const sub = service.onHostOnline((hostId) => onlines.push(hostId));
    service.trustKey(id, sshd.fingerprint);
    await waitState(service, id, 'online');
    expect(onlines).toEqual([id]);
    sub.dispose();
    const { domains } = await service
      .libvirt(id)
      .call('connectListAllDomains', { needResults: true, flags: 0 });
    expect(Array.isArray(domains)).toBe(true);
    const view = service.list().find((h) => h.id === id)!;
    expect(view.trustedFingerprint).toBe(sshd.fingerprint);
    const pub = readFileSync(`${sshd.hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const dataDir = (service as unknown as { options: { dataDir: string } }).options.dataDir;
    expect(readFileSync(join(dataDir, 'known_hosts'), 'utf8')).toBe(
      `[127.0.0.1]:${sshd.port} ${pub}\n`,
    );
    expect(service.online().map((o) => o.hostId)).toEqual([id]);
  });
});

describe('hosts: credentials', () => {
  /** A service that already trusts the sshd's key (trust is not what these tests are about). */
  async function trusted(input: Parameters<HostsService['add']>[0]) {
    const service = newService();
    const { id } = service.add(input);
    const s = await waitState(service, id, 'key-unknown');
    service.trustKey(id, s.fingerprint);
    return { service, id };
  }

  it('a key the server does not accept is auth-failed, and not retried', async () => {
    const { service, id } = await trusted(keyHost('stranger', strangerKey));
    const s = await waitState(service, id, 'auth-failed');
    expect(s.error).toMatch(/authentication methods failed/i);
    expect(() => service.libvirt(id)).toThrow(/not online/);
  });

  it('a wrong password is auth-failed, and the password is stored only encrypted', async () => {
    const password = 'corral-h4-not-the-password';
    const input = {
      name: 'pw',
      address: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      auth: { kind: 'password' as const, password },
    };
    const { service, id } = await trusted(input);
    await waitState(service, id, 'auth-failed');
    expect(sshd.log).toMatch(/Failed password for root/);
    const view = service.list().find((h) => h.id === id)!;
    expect(view.hasSecret).toBe(true);
    expect(JSON.stringify(view)).not.toContain(password);
    const dataDir = (service as unknown as { options: { dataDir: string } }).options.dataDir;
    expect(readFileSync(join(dataDir, 'hosts.json'), 'utf8')).not.toContain(password);
  });

  it('the right password connects and lists domains', async () => {
    const { service, id } = await trusted({
      name: 'pw-ok',
      address: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      auth: { kind: 'password', password: ROOT_PASSWORD },
    });
    await waitState(service, id, 'online');
    expect(sshd.log).toMatch(/Accepted password for root/);
    const { domains } = await service
      .libvirt(id)
      .call('connectListAllDomains', { needResults: true, flags: 0 });
    expect(Array.isArray(domains)).toBe(true);
  });

  it('password authentication needs a password; nothing is saved without one', () => {
    const service = newService();
    expect(() =>
      service.add({
        name: 'nopw',
        address: '127.0.0.1',
        port: 1,
        user: 'root',
        auth: { kind: 'password' },
      }),
    ).toThrow(/password is required/);
    expect(service.list()).toEqual([]);
  });

  it('a key file with its passphrase connects; a wrong passphrase is auth-failed', async () => {
    const good = await trusted({
      ...keyHost('locked'),
      auth: { kind: 'key', keyPath: lockedKey, passphrase: PASSPHRASE },
    });
    await waitState(good.service, good.id, 'online');
    // The key is decrypted before the host is contacted: a wrong passphrase never gets that far.
    const service = newService();
    const { id } = service.add({
      ...keyHost('locked-wrong'),
      auth: { kind: 'key', keyPath: lockedKey, passphrase: 'not it' },
    });
    expect((await waitState(service, id, 'auth-failed')).error).toMatch(/bad passphrase/i);
  });

  it('connects through the ssh-agent', async () => {
    const { service, id } = await trusted({
      name: 'agent',
      address: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      auth: { kind: 'agent' },
    });
    await waitState(service, id, 'online');
  });
});

describe('hosts: a changed host key', () => {
  it('is refused as key-mismatch before auth, and only "replace key" trusts the new one', async () => {
    const service = newService();
    const { id } = service.add(keyHost('rekey'));
    service.trustKey(id, (await waitState(service, id, 'key-unknown')).fingerprint);
    await waitState(service, id, 'online');
    const before = sshd.fingerprint;

    await sshd.stop();
    keygen(sshd.hostKey, 'corral-h4-host-regenerated');
    await sshd.start();
    const logFrom = sshd.log.length;
    service.reconnect(id);
    const s = await waitState(service, id, 'key-mismatch');
    expect(s).toEqual({
      state: 'key-mismatch',
      expected: before,
      presented: sshd.fingerprint,
      keyType: 'ssh-ed25519',
    });
    expect(sshd.log.slice(logFrom)).not.toMatch(/userauth-request|Accepted|Failed/);
    // Not retried on its own, and trustKey is not the way to accept a changed key.
    expect(() => service.trustKey(id, sshd.fingerprint)).toThrow(/not waiting/);
    expect(() => service.replaceKey(id, before)).toThrow(/presented/);

    service.replaceKey(id, sshd.fingerprint);
    await waitState(service, id, 'online');
    expect(service.list()[0]!.trustedFingerprint).toBe(sshd.fingerprint);
  });
});

describe('hosts: a cut link', () => {
  it('is noticed by keepalive, marked unreachable, and comes back online with backoff', async () => {
    const service = newService();
    const { id } = service.add({ ...keyHost('relay'), port: relay.port });
    service.trustKey(id, (await waitState(service, id, 'key-unknown')).fingerprint);
    await waitState(service, id, 'online');
    const offline: string[] = [];
    const onlineAgain: string[] = [];
    service.onHostOffline((hostId, error) => offline.push(`${hostId}: ${error}`));
    service.onHostOnline((hostId) => onlineAgain.push(hostId));

    relay.cut();
    const down = await waitState(service, id, 'unreachable', 20_000);
    expect(down.error).toMatch(/keepalive|timed out/i);
    expect(down.retryAt).toBeDefined();
    expect(offline).toHaveLength(1);
    expect(() => service.libvirt(id)).toThrow(/not online/);
    // Retries keep failing while the link is cut; "since" stays at the first failure.
    await waitUntil('a failed retry', 20_000, () => {
      const s = statusOf(service, id);
      return s.state === 'unreachable' && s.error !== down.error ? s : undefined;
    });
    expect(statusOf(service, id)).toMatchObject({ state: 'unreachable', since: down.since });

    relay.restore();
    await waitState(service, id, 'online', 30_000);
    expect(onlineAgain).toEqual([id]);
    await service.libvirt(id).call('connectListAllDomains', { needResults: true, flags: 0 });
  });
});

describe('hosts: editing the address', () => {
  it('meets the new address afresh and forgets the key trusted for the old one', async () => {
    const service = newService();
    const { id } = service.add(keyHost('moved'));
    service.trustKey(id, (await waitState(service, id, 'key-unknown')).fingerprint);
    await waitState(service, id, 'online');
    const dataDir = (service as unknown as { options: { dataDir: string } }).options.dataDir;
    const knownHosts = () => readFileSync(join(dataDir, 'known_hosts'), 'utf8');
    expect(knownHosts()).toContain(`[127.0.0.1]:${sshd.port} `);
    // The relay is another address for the same sshd: trust is per address, so it asks again.
    service.update(id, { ...keyHost('moved'), port: relay.port });
    const s = await waitState(service, id, 'key-unknown');
    expect(s.fingerprint).toBe(sshd.fingerprint);
    expect(knownHosts()).not.toContain(`[127.0.0.1]:${sshd.port} `);
  });
});

describe('hosts: persistence', () => {
  it('a restarted service knows its hosts, their trust and secrets, and the list has no secret', async () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const first = newService(dataDir);
    const { id } = first.add(keyHost('persist'));
    first.trustKey(id, (await waitState(first, id, 'key-unknown')).fingerprint);
    await waitState(first, id, 'online');
    first.dispose();

    const second = newService(dataDir);
    const views: HostView[] = second.list();
    expect(views.map((v) => v.name)).toEqual(['persist']);
    await waitState(second, id, 'online');
    await second.remove(id);
    expect(second.list()).toEqual([]);
    expect(readFileSync(join(dataDir, 'known_hosts'), 'utf8')).toBe('');
  });
});

describe('hosts: this computer', () => {
  it('appears with no setup when the local libvirt socket answers, and cannot be removed', async () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const service = new HostsService({
      dataDir,
      cipher: new FileKeyCipher(dataDir),
      libvirtSocket: inject('integrationEnv').libvirtSocket,
    });
    services.push(service);
    await waitState(service, 'local', 'online');
    expect(service.list()).toEqual([
      expect.objectContaining({
        id: 'local',
        name: 'This computer',
        local: true,
        authKind: 'local',
      }),
    ]);
    const { domains } = await service
      .libvirt('local')
      .call('connectListAllDomains', { needResults: true, flags: 0 });
    expect(Array.isArray(domains)).toBe(true);
    await expect(service.remove('local')).rejects.toThrow(/cannot be removed/);
  });
});

describe('hosts: bad input loses nothing', () => {
  const codeOf = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (err) {
      return err instanceof CorralError ? `${err.code}: ${err.message}` : String(err);
    }
    return undefined;
  };

  it('refuses duplicates, relative key paths and secrets it cannot store safely', () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const service = newService(dataDir);
    service.add({ ...keyHost('one'), port: 1 });
    expect(codeOf(() => service.add({ ...keyHost('One'), port: 2 }))).toMatch(/^conflict: .*"one"/);
    expect(codeOf(() => service.add({ ...keyHost('two'), port: 1 }))).toMatch(
      /^conflict: .*already configured as "one"/,
    );
    expect(
      codeOf(() =>
        service.add({ ...keyHost('three'), auth: { kind: 'key', keyPath: 'id_ed25519' } }),
      ),
    ).toMatch(/^bad-request: .*must be absolute/);

    // A key file others may read: the secret is refused and nothing is saved.
    writeFileSync(join(dataDir, SECRET_KEY_FILE), Buffer.alloc(32, 1));
    chmodSync(join(dataDir, SECRET_KEY_FILE), 0o644);
    expect(
      codeOf(() =>
        service.add({
          ...keyHost('four'),
          port: 4,
          auth: { kind: 'password', password: 'x' },
        }),
      ),
    ).toMatch(/^unavailable: refusing to use .*0644/);
    expect(service.list().map((h) => h.name)).toEqual(['one']);
    expect(readFileSync(join(dataDir, 'hosts.json'), 'utf8')).not.toContain('four');
  });
});
