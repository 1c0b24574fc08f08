import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import { FileKeyCipher, SECRET_KEY_FILE } from '../../../core/secrets/file-key-cipher';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'corral-unit-cipher-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('FileKeyCipher', () => {
  it('round-trips a secret and creates its key file with mode 0600', () => {
    const dir = freshDir();
    const cipher = new FileKeyCipher(dir);
    const blob = cipher.encrypt('pässword 🔑');
    expect(blob.toString('utf8')).not.toContain('pässword');
    expect(cipher.decrypt(blob)).toBe('pässword 🔑');
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, SECRET_KEY_FILE))).toHaveLength(32);
    // A second instance (a restart) reads the same key.
    expect(new FileKeyCipher(dir).decrypt(blob)).toBe('pässword 🔑');
    // Fresh IVs: the same secret never encrypts to the same bytes.
    expect(cipher.encrypt('x').equals(cipher.encrypt('x'))).toBe(false);
  });

  it('refuses a key file that others can read, saying how to fix it', () => {
    const dir = freshDir();
    writeFileSync(join(dir, SECRET_KEY_FILE), Buffer.alloc(32, 7));
    chmodSync(join(dir, SECRET_KEY_FILE), 0o644);
    const err = (() => {
      try {
        new FileKeyCipher(dir).encrypt('x');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CorralError);
    expect((err as CorralError).code).toBe('unavailable');
    expect((err as CorralError).message).toMatch(/mode is 0644.*chmod 600/);
    // And it left the file alone.
    expect(statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o644);
  });

  it('detects tampering and a replaced key', () => {
    const dir = freshDir();
    const blob = new FileKeyCipher(dir).encrypt('secret');
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => new FileKeyCipher(dir).decrypt(tampered)).toThrow(/cannot be decrypted/);
    expect(() => new FileKeyCipher(freshDir()).decrypt(blob)).toThrow(/cannot be decrypted/);
    expect(() => new FileKeyCipher(dir).decrypt(Buffer.from('junk'))).toThrow(
      /not in a known format/,
    );
  });
});
