import { encrypt } from 'unixcrypt';
import type { ParsedClusterSpec } from './operation-record';

/** A node's console sign-in as nodes and journals record it: never a plain-text password. */
export type SealedConsoleSignIn = { kind: 'autologin' } | { kind: 'password-hash'; hash: string };

/**
 * root's console password as a SHA-512 crypt hash (`$6$salt$…`, what `chpasswd -e` and
 * cloud-init's chpasswd take). Hashed here in core with `unixcrypt` (maintained, no dependencies,
 * built on node:crypto, which the renderer does not have): the typed password crosses the
 * contract once, over the signed-in channel, and is dropped as soon as it is hashed. `salt` is
 * for tests; by default a fresh random 16-character salt.
 */
export function hashConsolePassword(password: string, salt?: string): string {
  // Without a salt, unixcrypt picks SHA-512 and a random 16-character salt (`$6$` alone would mean
  // an empty salt).
  return salt === undefined ? encrypt(password) : encrypt(password, `$6$${salt}`);
}

/** The spec with a typed console password replaced by its hash, before it is stored anywhere. */
export function sealConsoleSignIn(spec: ParsedClusterSpec): ParsedClusterSpec {
  if (spec.console.kind !== 'password') return spec;
  return {
    ...spec,
    console: { kind: 'password-hash', hash: hashConsolePassword(spec.console.password) },
  };
}

/** The sealed form of a recorded spec (a plain password never reaches a node: refuse it). */
export function sealedConsole(spec: ParsedClusterSpec): SealedConsoleSignIn {
  // A journal written before the choice existed holds no `console`: those nodes signed in root.
  const choice = (spec.console as ParsedClusterSpec['console'] | undefined) ?? {
    kind: 'autologin',
  };
  if (choice.kind === 'password') {
    throw new Error('a console password must be hashed before it reaches a node');
  }
  return choice;
}
