import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Client } from 'ssh2';
import type { z } from 'zod';
import type { Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import type { HostInput, HostStatus, HostView } from '../../api/hosts-api';
import { LibvirtClient, connectUnixSocket, openSshTransport } from '../../native/libvirt';
import type { PresentedHostKey } from '../../native/ssh';
import { nameLibvirtHost } from '../libvirt/libvirt-call';
import type { SecretCipher } from '../secrets/secret-cipher';
import { LOCAL_LIBVIRT_SOCKET, probeUnixSocket } from '../system/local-libvirt-probe';
import type { BackoffOptions } from './backoff';
import type { HostConnections } from './host-connections';
import type { HostRecord, StoredAuth } from './host-record';
import { HostSession } from './host-session';
import { HostStore } from './host-store';
import type { ReportDataProblem } from '../persistence/data-problems';
import { fingerprintOf } from './known-hosts';
import { KnownHostsStore } from './known-hosts-store';
import {
  ConnectFailure,
  DEFAULT_TIMING,
  errorText,
  type ConnectionTiming,
} from './live-connection';
import { connectLocal } from './local-connector';
import { connectOverSsh } from './ssh-connector';
import { SshLinkKeeper } from './ssh-link-keeper';

/** The id of "This computer". */
export const LOCAL_HOST_ID = 'local';

export interface HostsServiceOptions {
  dataDir: string;
  cipher: SecretCipher;
  /** libvirtd's local socket ("This computer"). */
  libvirtSocket?: string;
  /** Show "This computer" when its socket answers (default true). */
  localHost?: boolean;
  /** How often to look for the local socket while it is absent (ms; default 30 s; 0 = never). */
  localProbeMs?: number;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK. */
  agentSocket?: string;
  timing?: Partial<ConnectionTiming>;
  backoff?: BackoffOptions;
  /** Where hosts.json and known_hosts report what they set aside (default: the log). */
  reportDataProblem?: ReportDataProblem;
}

/** A host form after the contract's validation (defaults applied). */
type ParsedHostInput = z.output<typeof HostInput>;

interface Entry {
  /** Undefined for "This computer". */
  record?: HostRecord;
  session: HostSession;
  /** The key the server presented last (what trustKey / replaceKey confirm). */
  presented?: PresentedHostKey;
  /** Its SSH connection while only libvirtd is away. */
  keeper: SshLinkKeeper;
}

/**
 * Hosts: the configured hosts and "This computer", one {@link HostSession} each, their
 * trusted keys and encrypted secrets. Implements the `hosts` contract and the
 * {@link HostConnections} seam that inventory and consoles use to reach libvirt.
 */
export class HostsService implements HostConnections, Disposable {
  private readonly store: HostStore;
  private readonly knownHosts: KnownHostsStore;
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new Emitter<HostView[]>();
  private readonly hostOnline = new Emitter<{ hostId: string; client: LibvirtClient }>();
  private readonly hostOffline = new Emitter<{ hostId: string; error: string }>();
  private readonly hostRemoved = new Emitter<string>();
  private readonly timing: ConnectionTiming;
  private readonly socketPath: string;
  private probeTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: HostsServiceOptions) {
    this.store = new HostStore(options.dataDir, options.reportDataProblem);
    this.knownHosts = new KnownHostsStore(options.dataDir, options.reportDataProblem);
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.socketPath = options.libvirtSocket ?? LOCAL_LIBVIRT_SOCKET;
    for (const record of this.store.list()) this.startSession(record);
    if (options.localHost ?? true) void this.probeLocal();
  }

  // ---- the contract ------------------------------------------------------------------------

  list(): HostView[] {
    const views: HostView[] = [];
    const local = this.entries.get(LOCAL_HOST_ID);
    if (local) views.push(this.localView(local));
    for (const [id, entry] of this.entries) if (id !== LOCAL_HOST_ID) views.push(this.view(entry));
    return views;
  }

  add(input: ParsedHostInput): HostView {
    this.checkUnique(input);
    const record: HostRecord = {
      id: `h-${randomBytes(6).toString('hex')}`,
      ...this.recordFields(input, undefined),
    };
    // Encrypting happened in recordFields: a refused secret throws before anything is saved.
    this.store.put(record);
    const entry = this.startSession(record);
    this.fireChanged();
    return this.view(entry);
  }

  update(id: string, input: ParsedHostInput): HostView {
    const entry = this.configured(id);
    const old = entry.record!;
    this.checkUnique(input, id);
    const record: HostRecord = { id, ...this.recordFields(input, old) };
    this.store.put(record);
    entry.record = record;
    if (old.address !== record.address || old.port !== record.port) {
      // Trust belongs to an address: the new one is met afresh, the old key is not kept around.
      this.forgetUnlessShared(old.address, old.port);
    }
    entry.presented = undefined;
    // A kept connection was made with the old settings.
    entry.keeper.reset();
    entry.session.connect(() => this.connectorFor(entry));
    this.fireChanged();
    return this.view(entry);
  }

  async remove(id: string): Promise<void> {
    if (id === LOCAL_HOST_ID)
      throw new CorralError(
        'bad-request',
        'This computer is listed whenever its libvirt socket answers; it cannot be removed',
      );
    const entry = this.configured(id);
    const record = entry.record!;
    this.entries.delete(id);
    this.store.remove(id);
    this.forgetUnlessShared(record.address, record.port);
    await entry.session.dispose();
    entry.keeper.reset();
    this.hostRemoved.fire(id);
    this.fireChanged();
  }

  /** Drops the trusted key of `address:port` unless another configured host still uses it. */
  private forgetUnlessShared(address: string, port: number): void {
    const shared = [...this.entries.values()].some(
      (e) => e.record?.address === address && e.record.port === port,
    );
    if (!shared) this.knownHosts.forget(address, port);
  }

  /** Trusts the key a `key-unknown` host presented; `fingerprint` is what the person saw. */
  trustKey(id: string, fingerprint: string): HostView {
    const entry = this.configured(id);
    return this.confirmKey(entry, fingerprint, 'key-unknown');
  }

  /** Replaces the trusted key of a `key-mismatch` host with the one it presents now. */
  replaceKey(id: string, fingerprint: string): HostView {
    const entry = this.configured(id);
    return this.confirmKey(entry, fingerprint, 'key-mismatch');
  }

  reconnect(id: string): HostView {
    const entry = this.entries.get(id);
    if (!entry) throw new CorralError('not-found', `no host ${id}`);
    entry.session.connect(() => this.connectorFor(entry));
    return this.viewOf(id, entry);
  }

  onChanged(emit: (hosts: HostView[]) => void): Disposable {
    return this.changed.on(emit);
  }

  // ---- HostConnections ---------------------------------------------------------------------

  libvirt(hostId: string): LibvirtClient {
    const entry = this.entries.get(hostId);
    if (!entry) throw new CorralError('not-found', `no host ${hostId}`);
    const client = entry.session.client;
    if (!client) throw new CorralError('unavailable', `${this.nameOf(hostId)} is not online`);
    return client;
  }

  ssh(hostId: string): Client | undefined {
    this.libvirt(hostId);
    return this.entries.get(hostId)?.session.ssh;
  }

  async dedicated(hostId: string): Promise<LibvirtClient> {
    this.libvirt(hostId);
    const ssh = this.entries.get(hostId)?.session.ssh;
    const client = await LibvirtClient.connect(
      () => (ssh ? openSshTransport(ssh) : connectUnixSocket(this.socketPath)),
      {
        uri: 'qemu:///system',
        keepaliveIntervalMs: this.timing.libvirtKeepaliveMs,
        keepaliveCount: this.timing.libvirtKeepaliveCount,
      },
    );
    nameLibvirtHost(client, `${this.nameOf(hostId)} (dedicated)`);
    return client;
  }

  online(): Array<{ hostId: string; client: LibvirtClient }> {
    const out: Array<{ hostId: string; client: LibvirtClient }> = [];
    for (const [hostId, entry] of this.entries) {
      const client = entry.session.client;
      if (client) out.push({ hostId, client });
    }
    return out;
  }

  onHostOnline(listener: (hostId: string, client: LibvirtClient) => void): Disposable {
    return this.hostOnline.on(({ hostId, client }) => listener(hostId, client));
  }

  onHostOffline(listener: (hostId: string, error: string) => void): Disposable {
    return this.hostOffline.on(({ hostId, error }) => listener(hostId, error));
  }

  onHostRemoved(listener: (hostId: string) => void): Disposable {
    return this.hostRemoved.on(listener);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.probeTimer);
    for (const entry of this.entries.values()) {
      void entry.session.dispose();
      entry.keeper.reset();
    }
    this.entries.clear();
    this.changed.clear();
  }

  // ---- internals ---------------------------------------------------------------------------

  private startSession(record: HostRecord): Entry {
    const id = record.id;
    const entry: Entry = {
      record,
      session: undefined as unknown as HostSession,
      keeper: new SshLinkKeeper(),
    };
    entry.session = this.newSession(id);
    this.entries.set(id, entry);
    entry.session.connect(() => this.connectorFor(entry));
    return entry;
  }

  private newSession(id: string): HostSession {
    return new HostSession(
      () => Promise.reject(new Error('not started')),
      {
        status: () => this.fireChanged(),
        online: (client) => {
          nameLibvirtHost(client, id);
          this.hostOnline.fire({ hostId: id, client });
        },
        offline: (error) => this.hostOffline.fire({ hostId: id, error }),
      },
      this.options.backoff,
    );
  }

  private connectorFor(entry: Entry) {
    if (!entry.record) return connectLocal(this.socketPath, this.timing);
    const record = entry.record;
    return connectOverSsh(record, {
      trustedKeys: () => this.knownHosts.keysFor(record.address, record.port),
      secret: () => this.decryptSecret(record),
      presented: (key) => (entry.presented = key),
      agentSocket: this.options.agentSocket ?? process.env.SSH_AUTH_SOCK,
      timing: this.timing,
      keeper: entry.keeper.ticket(),
    });
  }

  private decryptSecret(record: HostRecord): string | undefined {
    if (!record.secret) return undefined;
    try {
      return this.options.cipher.decrypt(Buffer.from(record.secret, 'base64'));
    } catch (err) {
      throw new ConnectFailure({
        kind: 'auth',
        error: `the stored ${record.auth.kind === 'key' ? 'passphrase' : 'password'} cannot be read: ${errorText(err)}`,
      });
    }
  }

  private confirmKey(entry: Entry, fingerprint: string, expected: HostStatus['state']): HostView {
    const record = entry.record!;
    const status = entry.session.status;
    const presented = entry.presented;
    if (status.state !== expected || !presented)
      throw new CorralError(
        'conflict',
        expected === 'key-unknown'
          ? `${record.name} is not waiting for a key confirmation`
          : `${record.name} has no changed key to replace`,
      );
    if (presented.fingerprint !== fingerprint.trim())
      throw new CorralError(
        'conflict',
        `${record.name} presented ${presented.fingerprint}, not ${fingerprint}; check the key again`,
      );
    this.knownHosts.trust(record.address, record.port, presented);
    entry.session.connect(() => this.connectorFor(entry));
    return this.view(entry);
  }

  private recordFields(
    input: ParsedHostInput,
    old: HostRecord | undefined,
  ): Omit<HostRecord, 'id'> {
    const auth = input.auth;
    let stored: StoredAuth;
    let secretText: string | undefined;
    switch (auth.kind) {
      case 'agent':
        stored = { kind: 'agent' };
        break;
      case 'key':
        stored = { kind: 'key', keyPath: expandKeyPath(auth.keyPath) };
        secretText = auth.passphrase || undefined;
        break;
      case 'password':
        stored = { kind: 'password' };
        secretText = auth.password || undefined;
        break;
    }
    let secret: string | undefined;
    if (secretText !== undefined) {
      secret = this.options.cipher.encrypt(secretText).toString('base64');
    } else if (old?.secret && old.auth.kind === stored.kind) {
      // An empty secret field on edit means "keep the stored one": it never comes back to the UI.
      secret = old.secret;
    } else if (stored.kind === 'password') {
      throw new CorralError('bad-request', 'a password is required for password authentication');
    }
    return {
      name: input.name,
      address: input.address,
      port: input.port,
      user: input.user,
      auth: stored,
      ...(secret ? { secret } : {}),
    };
  }

  private checkUnique(input: ParsedHostInput, self?: string): void {
    for (const [id, e] of this.entries) {
      if (id === self || !e.record) continue;
      if (e.record.name.toLowerCase() === input.name.toLowerCase())
        throw new CorralError('conflict', `a host named "${e.record.name}" already exists`);
      if (
        e.record.address.toLowerCase() === input.address.toLowerCase() &&
        e.record.port === input.port &&
        e.record.user === input.user
      )
        throw new CorralError(
          'conflict',
          `${input.user}@${input.address}:${input.port} is already configured as "${e.record.name}"`,
        );
    }
  }

  private configured(id: string): Entry {
    const entry = this.entries.get(id);
    if (id === LOCAL_HOST_ID) throw new CorralError('bad-request', 'This computer has no settings');
    if (!entry?.record) throw new CorralError('not-found', `no host ${id}`);
    return entry;
  }

  private async probeLocal(): Promise<void> {
    if (this.disposed || this.entries.has(LOCAL_HOST_ID)) return;
    const probe = await probeUnixSocket(this.socketPath);
    if (this.disposed || this.entries.has(LOCAL_HOST_ID)) return;
    if (probe.reachable) {
      const entry: Entry = { session: this.newSession(LOCAL_HOST_ID), keeper: new SshLinkKeeper() };
      this.entries.set(LOCAL_HOST_ID, entry);
      entry.session.connect(() => this.connectorFor(entry));
      return;
    }
    const every = this.options.localProbeMs ?? 30_000;
    if (every > 0) {
      this.probeTimer = setTimeout(() => void this.probeLocal(), every);
      this.probeTimer.unref?.();
    }
  }

  private fireChanged(): void {
    if (this.disposed) return;
    this.changed.fire(this.list());
  }

  /** The host's name as people read it (its id when unknown). */
  displayName(id: string): string {
    return this.nameOf(id);
  }

  private nameOf(id: string): string {
    return this.entries.get(id)?.record?.name ?? (id === LOCAL_HOST_ID ? 'This computer' : id);
  }

  private viewOf(id: string, entry: Entry): HostView {
    return id === LOCAL_HOST_ID ? this.localView(entry) : this.view(entry);
  }

  private view(entry: Entry): HostView {
    const r = entry.record!;
    const trusted = this.knownHosts.keysFor(r.address, r.port)[0];
    return {
      id: r.id,
      name: r.name,
      local: false,
      address: r.address,
      port: r.port,
      user: r.user,
      authKind: r.auth.kind,
      ...(r.auth.kind === 'key' ? { keyPath: r.auth.keyPath } : {}),
      hasSecret: Boolean(r.secret),
      ...(trusted ? { trustedFingerprint: fingerprintOf(trusted.keyBase64) } : {}),
      status: entry.session.status,
    };
  }

  private localView(entry: Entry): HostView {
    return {
      id: LOCAL_HOST_ID,
      name: 'This computer',
      local: true,
      address: this.socketPath,
      port: 0,
      user: '',
      authKind: 'local',
      hasSecret: false,
      status: entry.session.status,
    };
  }
}

/** `~/x` means the home folder of the user Corral runs as; other paths must be absolute. */
function expandKeyPath(path: string): string {
  const p = path.trim();
  const expanded = p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
  if (!isAbsolute(expanded))
    throw new CorralError('bad-request', `the key file path must be absolute, not "${path}"`);
  return expanded;
}
