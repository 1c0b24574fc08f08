import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ClusterSpec, ConsoleSignIn } from '../../../api/clusters-api';
import {
  hashConsolePassword,
  sealConsoleSignIn,
  sealedConsole,
} from '../../../core/clusters/console-sign-in';
import { buildNoCloudSeed } from '../../../core/provisioning/nocloud-seed';

/** What OpenSSL's own SHA-512 crypt makes of the same password and salt. */
function openssl(password: string, salt: string): string {
  return execFileSync('openssl', ['passwd', '-6', '-salt', salt, password], {
    encoding: 'utf8',
  }).trim();
}

const spec = ClusterSpec.parse({
  name: 'web',
  nodes: 1,
  vcpus: 1,
  memoryMiB: 256,
  diskGiB: 1,
  nics: [
    {
      source: { kind: 'bridge', bridge: 'br0' },
      addresses: { cidr: '10.0.0.0/24', first: '10.0.0.10', last: '10.0.0.20' },
    },
  ],
  image: 'base.qcow2',
  placement: { kind: 'round-robin' },
  console: { kind: 'password', password: 'correct horse 42' },
});

describe('console password hash', () => {
  it.each([
    ['correct horse 42', 'abcdefgh'],
    ['pässwörd ✓ with spaces', 'Z9./saltSALT1234'],
    ['$6$looks-like-a-hash', 'x'],
  ])('matches openssl passwd -6 for %j with salt %j', (password, salt) => {
    expect(hashConsolePassword(password, salt)).toBe(openssl(password, salt));
  });

  it('uses a fresh random salt each time, and the hash passes the contract schema', () => {
    const a = hashConsolePassword('correct horse 42');
    const b = hashConsolePassword('correct horse 42');
    expect(a).not.toBe(b);
    const salt = a.split('$')[2]!;
    expect(a).toBe(openssl('correct horse 42', salt));
    expect(ConsoleSignIn.safeParse({ kind: 'password-hash', hash: a }).success).toBe(true);
  });
});

describe('sealing the spec', () => {
  it('replaces the typed password by its hash, so nothing stored holds the plain text', () => {
    const sealed = sealConsoleSignIn(spec);
    expect(sealed.console.kind).toBe('password-hash');
    expect(JSON.stringify(sealed)).not.toContain('correct horse 42');
    const hash = (sealed.console as { hash: string }).hash;
    expect(hash).toBe(openssl('correct horse 42', hash.split('$')[2]!));
    // What add-nodes reads back from a node's metadata parses and reaches the seed as the hash.
    const reread = ClusterSpec.parse(JSON.parse(JSON.stringify(sealed)));
    expect(sealedConsole(reread)).toEqual({ kind: 'password-hash', hash });
  });

  it('defaults to automatic sign-in, also for specs recorded before the choice existed', () => {
    const { console: _omitted, ...older } = spec;
    expect(ClusterSpec.parse(older).console).toEqual({ kind: 'autologin' });
    expect(sealConsoleSignIn(ClusterSpec.parse(older))).toEqual(ClusterSpec.parse(older));
  });

  it('reads a journal record from before the choice existed as automatic sign-in', () => {
    const { console: _omitted, ...older } = spec;
    expect(sealedConsole(older as typeof spec)).toEqual({ kind: 'autologin' });
  });

  it('refuses to hand a plain password to a node', () => {
    expect(() => sealedConsole(spec)).toThrow(/hashed/);
  });

  it.each([
    ['shorter than 8 characters', 'short'],
    ['with a line break', 'line one\nroot::0:0'],
    ['longer than 128 characters', 'x'.repeat(129)],
  ])('refuses a console password %s', (_why, password) => {
    expect(ConsoleSignIn.safeParse({ kind: 'password', password }).success).toBe(false);
  });

  it('refuses a hash that is not SHA-512 crypt', () => {
    for (const hash of ['$1$abc$xyz', 'plain text', `${openssl('a', 'b')}\nroot::0`]) {
      expect(ConsoleSignIn.safeParse({ kind: 'password-hash', hash }).success).toBe(false);
    }
  });
});

describe('seed with a console password', () => {
  const base = { instanceId: 'iid-1', hostname: 'node-1', sshAuthorizedKeys: [] };

  it("sets root's password through cloud-init's chpasswd with the hash only", () => {
    const hash = openssl('correct horse 42', 'abcdefgh');
    const seed = buildNoCloudSeed({ ...base, consolePassword: { user: 'root', hash } });
    expect(seed['user-data']).toContain(
      `chpasswd:\n  expire: false\n  users:\n    - name: "root"\n      password: "${hash}"\n      type: "hash"\n`,
    );
    expect(seed['user-data']).toContain('ssh_pwauth: false');
    expect(seed['user-data']).not.toContain('bootcmd');
  });

  it('refuses a plain password without echoing it, and both choices at once', () => {
    const plain = () =>
      buildNoCloudSeed({ ...base, consolePassword: { user: 'root', hash: 'hunter22-secret' } });
    expect(plain).toThrow(/SHA-512 crypt/);
    expect(plain).not.toThrow(/hunter22/);
    const hash = openssl('x', 'y');
    expect(() =>
      buildNoCloudSeed({
        ...base,
        consoleAutologin: 'root',
        consolePassword: { user: 'root', hash },
      }),
    ).toThrow(/either/);
  });
});
