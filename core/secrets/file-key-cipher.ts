import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CorralError } from '../../api/errors';
import type { SecretCipher } from './secret-cipher';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The key file's name inside the data folder. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * The server's secret cipher: AES-256-GCM with a random key kept in `<dataDir>/secret.key`,
 * created with mode 0600. A key file that group or others may read is refused rather than used:
 * whoever can read it can read every stored password. Layout of a ciphertext:
 * version (1) | IV (12) | tag (16) | data.
 */
export class FileKeyCipher implements SecretCipher {
  readonly name = 'AES-256-GCM key file';
  private key: Buffer | undefined;
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, SECRET_KEY_FILE);
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(), iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), data]);
  }

  decrypt(blob: Buffer): string {
    if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== VERSION)
      throw new CorralError('internal', 'a stored secret is not in a known format');
    const iv = blob.subarray(1, 1 + IV_BYTES);
    const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.loadKey(), iv);
    decipher.setAuthTag(tag);
    try {
      const data = blob.subarray(1 + IV_BYTES + TAG_BYTES);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw new CorralError(
        'internal',
        `a stored secret cannot be decrypted with ${this.path} (was the key file replaced?)`,
      );
    }
  }

  private loadKey(): Buffer {
    if (this.key) return this.key;
    let fd: number;
    try {
      // O_EXCL: never overwrite a key someone else created in the meantime.
      fd = openSync(this.path, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw this.unavailable(err);
      this.key = this.readExisting();
      return this.key;
    }
    try {
      const key = randomBytes(KEY_BYTES);
      writeSync(fd, key);
      // The umask cannot loosen 0600, but a pre-set ACL or odd filesystem could: check.
      this.checkMode(fstatSync(fd).mode);
      this.key = key;
      return key;
    } finally {
      closeSync(fd);
    }
  }

  private readExisting(): Buffer {
    this.checkMode(statSync(this.path).mode);
    const key = readFileSync(this.path);
    if (key.length !== KEY_BYTES)
      throw new CorralError('unavailable', `${this.path} is not a ${KEY_BYTES}-byte key`);
    return key;
  }

  private checkMode(mode: number): void {
    if ((mode & 0o077) !== 0)
      throw new CorralError(
        'unavailable',
        `refusing to use ${this.path}: its mode is ${(mode & 0o777).toString(8).padStart(4, '0')}, ` +
          'others could read it; run chmod 600 on it (or remove it and store the secrets again)',
      );
  }

  private unavailable(err: unknown): CorralError {
    return new CorralError(
      'unavailable',
      `cannot create the secret key file ${this.path}: ${(err as Error).message}`,
    );
  }
}
