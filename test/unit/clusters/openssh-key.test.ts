import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ed25519ToOpenSsh, generateEd25519KeyPair } from '../../../core/keys/openssh-ed25519';

describe('ed25519 keys in OpenSSH format', () => {
  it('ssh2 parses the private key, and signatures verify with the public line', () => {
    for (let i = 0; i < 20; i++) {
      const pair = generateEd25519KeyPair(`node-${i}`);
      expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      const parsed = utils.parseKey(pair.privateKey);
      if (parsed instanceof Error) throw parsed;
      expect(parsed.type).toBe('ssh-ed25519');
      expect(parsed.comment).toBe(`node-${i}`);
      const [type, blob, comment] = pair.publicKey.split(' ');
      expect(type).toBe('ssh-ed25519');
      expect(comment).toBe(`node-${i}`);
      // 4 + 11 type bytes + 4 + 32 key bytes: always a full 32-byte key.
      expect(Buffer.from(blob!, 'base64')).toHaveLength(51);
      expect(parsed.getPublicSSH().toString('base64')).toBe(blob);
      const data = Buffer.from('corral');
      const pub = utils.parseKey(pair.publicKey);
      if (pub instanceof Error) throw pub;
      expect(pub.verify(data, parsed.sign(data))).toBe(true);
    }
  });

  it('encodes a known key the same way every time (fixed check bytes)', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const check = Buffer.from([1, 2, 3, 4]);
    const a = ed25519ToOpenSsh(privateKey, 'c', check);
    const b = ed25519ToOpenSsh(privateKey, 'c', check);
    expect(a).toEqual(b);
    const sig = sign(null, Buffer.from('x'), privateKey);
    const pub = utils.parseKey(a.publicKey);
    if (pub instanceof Error) throw pub;
    expect(pub.verify(Buffer.from('x'), sig)).toBe(true);
    expect(verify(null, Buffer.from('x'), privateKey, sig)).toBe(true);
  });

  it('refuses a multi-line comment', () => {
    expect(() => generateEd25519KeyPair('a\nb')).toThrow(/one line/);
  });
});
