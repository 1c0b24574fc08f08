import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

  private read(): Record<string, StoredKey> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, StoredKey>;
  }

  private write(all: Record<string, StoredKey>): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(all, null, 1), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
