import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import {
  type KnownHostKey,
  type KnownHostsLine,
  formatKnownHosts,
  keysFor,
  parseKnownHosts,
  withKey,
  withoutHost,
} from './known-hosts';

/**
 * Trusted host keys in `<dataDir>/known_hosts`, in OpenSSH's format (so `ssh -o
 * UserKnownHostsFile=` can use the same file). Written atomically; comments, markers and hashed
 * names are kept as they are. A line that is none of these nor a key is set aside with the
 * original file and reported, so it can neither be mistaken for trust nor silently lost.
 */
export class KnownHostsStore {
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly report: ReportDataProblem = logDataProblem,
  ) {
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

  private read(): KnownHostsLine[] {
    if (!existsSync(this.path)) return [];
    const lines = parseKnownHosts(readFileSync(this.path, 'utf8'));
    const bad = lines.flatMap((l, i) => (isMalformed(l) ? [i + 1] : []));
    if (bad.length === 0) return lines;
    setAside(
      this.path,
      `line${bad.length > 1 ? 's' : ''} ${listOf(bad)} ${bad.length > 1 ? 'are' : 'is'} not a host key and ${bad.length > 1 ? 'were' : 'was'} left out`,
      this.report,
    );
    const kept = lines.filter((l) => !isMalformed(l));
    this.write(kept);
    return kept;
  }

  private write(lines: readonly KnownHostsLine[]): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, formatKnownHosts(lines), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}

/** Neither a key nor what OpenSSH allows besides keys (blank, comment, marker line). */
function isMalformed(line: KnownHostsLine): boolean {
  if (line.kind === 'key') return false;
  const t = line.text.trim();
  return t !== '' && !t.startsWith('#') && !t.startsWith('@');
}
