import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type KnownHostKey,
  formatKnownHosts,
  keysFor,
  parseKnownHosts,
  withKey,
  withoutHost,
} from './known-hosts';

/**
 * Trusted host keys in `<dataDir>/known_hosts`, in OpenSSH's format (so `ssh -o
 * UserKnownHostsFile=` can use the same file). Written atomically; lines Corral does not
 * understand are kept as they are.
 */
export class KnownHostsStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'known_hosts');
  }

  keysFor(address: string, port: number): KnownHostKey[] {
    return keysFor(this.read(), address, port);
  }

  /** Trusts `key` for `[address]:port`, replacing any key trusted before. */
  trust(address: string, port: number, key: { keyType: string; keyBase64: string }): void {
    this.write(withKey(this.read(), address, port, key));
  }

  forget(address: string, port: number): void {
    this.write(withoutHost(this.read(), address, port));
  }

  private read() {
    return existsSync(this.path) ? parseKnownHosts(readFileSync(this.path, 'utf8')) : [];
  }

  private write(lines: ReturnType<typeof parseKnownHosts>): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, formatKnownHosts(lines), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
