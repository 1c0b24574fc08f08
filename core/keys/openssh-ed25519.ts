import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

/** An ed25519 key pair in the forms OpenSSH reads. */
export interface OpenSshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` … (unencrypted), as ssh-keygen writes it. */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment` (one line, no newline). */
  publicKey: string;
}

const KEY_TYPE = 'ssh-ed25519';

/**
 * Generates an ed25519 key pair with Node's crypto and encodes it for OpenSSH. Written here
 * because ssh2's own generator emits 31-byte public keys when the key starts with a zero byte.
 */
export function generateEd25519KeyPair(comment: string): OpenSshKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return ed25519ToOpenSsh(privateKey, comment);
}

/** Encodes a Node ed25519 private key as an OpenSSH private key and public key line. */
export function ed25519ToOpenSsh(
  key: KeyObject,
  comment: string,
  check: Buffer = randomBytes(4),
): OpenSshKeyPair {
  if (/[\r\n]/.test(comment)) throw new Error('a key comment must be one line');
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) throw new Error('not an ed25519 private key');
  const seed = Buffer.from(jwk.d, 'base64url');
  const pub = Buffer.from(jwk.x, 'base64url');
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);
  const body = [
    check,
    check,
    sshString(KEY_TYPE),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ];
  let section = Buffer.concat(body);
  // Cipher "none" has a block size of 8: pad with 1, 2, 3, …
  const pad = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const blob = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `${KEY_TYPE} ${publicBlob.toString('base64')}${comment ? ` ${comment}` : ''}`,
  };
}

/** The `ssh-ed25519 AAAA…` line of an OpenSSH public key for a Node public (or private) key. */
export function ed25519PublicLine(key: KeyObject, comment = ''): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an ed25519 key');
  const blob = Buffer.concat([sshString(KEY_TYPE), sshString(Buffer.from(jwk.x, 'base64url'))]);
  return `${KEY_TYPE} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(value: string | Buffer): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(data.length), data]);
}
