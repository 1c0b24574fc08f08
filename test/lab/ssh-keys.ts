import { existsSync, readFileSync, rmSync } from 'node:fs';
import { run } from './exec';

/** An OpenSSH key pair on disk. */
export interface KeyPair {
  privateKey: string;
  publicKey: string;
  /** The `.pub` line, e.g. `ssh-ed25519 AAAA... comment`. */
  publicLine: string;
}

/** Generates an ed25519 key pair at `path` (and `path.pub`), replacing any old one. */
export async function generateKey(path: string, comment: string): Promise<KeyPair> {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return readKey(path);
}

/** Reads an existing key pair. */
export function readKey(path: string): KeyPair {
  if (!existsSync(path)) throw new Error(`no key at ${path}`);
  const publicLine = readFileSync(`${path}.pub`, 'utf8').trim();
  return { privateKey: path, publicKey: `${path}.pub`, publicLine };
}

/** A known_hosts line for `names` (address, aliases) and a host's public key line. */
export function knownHostsLine(names: readonly string[], publicLine: string): string {
  const [type, key] = publicLine.trim().split(/\s+/);
  if (!type || !key) throw new Error(`not a public key line: ${publicLine}`);
  return `${names.join(',')} ${type} ${key}`;
}
