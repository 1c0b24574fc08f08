import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import { readJsonObjectFile } from '../persistence/json-file';
import type { SecretCipher } from '../secrets/secret-cipher';

interface StoredKey {
  /** The private key, encrypted with the core's cipher (base64). */
  sealed: string;
  publicKey: string;
}

/**
 * Each cluster's SSH private key (the one its nodes trust), encrypted with the core's
 * SecretCipher in the data folder, so Corral can reach the nodes later (add nodes, MPI jobs).
 * The public half lives in every node's metadata.
 */
export class ClusterKeyStore {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly cipher: SecretCipher,
    private readonly report: ReportDataProblem = logDataProblem,
  ) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.file = join(dataDir, 'cluster-keys.json');
  }

  /** The cluster's key pair (private key in OpenSSH format), if this Corral holds it. */
  get(cluster: string): { privateKey: string; publicKey: string } | undefined {
    const entry = this.read()[cluster];
    if (!entry) return undefined;
    return {
      privateKey: this.cipher.decrypt(Buffer.from(entry.sealed, 'base64')),
      publicKey: entry.publicKey,
    };
  }

  put(cluster: string, pair: { privateKey: string; publicKey: string }): void {
    const all = this.read();
    all[cluster] = {
      sealed: this.cipher.encrypt(pair.privateKey).toString('base64'),
      publicKey: pair.publicKey,
    };
    this.write(all);
  }

  delete(cluster: string): void {
    const all = this.read();
    if (!(cluster in all)) return;
    delete all[cluster];
    this.write(all);
  }

  /** Seals any secret the same way (node host keys in the journal). */
  seal(plain: string): string {
    return this.cipher.encrypt(plain).toString('base64');
  }

  unseal(sealed: string): string {
    return this.cipher.decrypt(Buffer.from(sealed, 'base64'));
  }

  /**
   * The stored keys. A file that is not JSON is set aside whole; entries that are not keys are
   * set aside with the original file and left out, so the other clusters' keys still load.
   */
  private read(): Record<string, StoredKey> {
    const raw = readJsonObjectFile(this.file, this.report) ?? {};
    const bad = Object.keys(raw).filter((name) => !isStoredKey(raw[name]));
    if (bad.length === 0) return raw as Record<string, StoredKey>;
    setAside(
      this.file,
      `the keys of ${listOf(bad)} could not be read and were left out`,
      this.report,
    );
    const good = Object.fromEntries(
      Object.entries(raw).filter(([name]) => !bad.includes(name)),
    ) as Record<string, StoredKey>;
    this.write(good);
    return good;
  }

  private write(all: Record<string, StoredKey>): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(all, null, 1), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}

function isStoredKey(value: unknown): value is StoredKey {
  const v = value as Partial<StoredKey> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.sealed === 'string' &&
    typeof v.publicKey === 'string'
  );
}
