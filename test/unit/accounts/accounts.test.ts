import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountsService, type SessionRenewal } from '../../../core/accounts/accounts-service';
import type { CallContext } from '../../../core/call-context';
import { hashPassword, verifyPassword } from '../../../core/accounts/password-hash';

// scrypt at N=2^17 is slow on purpose; a loaded machine needs more than the default 5 s.
const SCRYPT_TIMEOUT = { timeout: 60_000 };

describe('password hashing', SCRYPT_TIMEOUT, () => {
  it('stores scrypt parameters with each hash and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$[\w-]+\$[\w-]+$/);
    await expect(verifyPassword('correct horse', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horsf', hash)).resolves.toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash);
  });

  it('refuses tampered or malformed hashes without throwing', async () => {
    const hash = await hashPassword('pw-12345');
    await expect(verifyPassword('pw-12345', hash.replace('$17$', '$30$'))).resolves.toBe(false);
    await expect(verifyPassword('pw-12345', 'garbage')).resolves.toBe(false);
    await expect(verifyPassword('pw-12345', 'scrypt$17$8$1$$')).resolves.toBe(false);
  });
});

describe('accounts', SCRYPT_TIMEOUT, () => {
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-accounts-'));
    return { dir, accounts: new AccountsService(dir) };
  };

  it('makes the first account the administrator and later ones plain users', async () => {
    const { accounts } = fresh();
    const s1: CallContext = { sessionId: 's1' };
    const [a, b] = await Promise.all([
      accounts.signUp('alice', 'password-a', s1),
      accounts.signUp('bob', 'password-b', { sessionId: 's2' }),
    ]);
    expect([a.role, b.role].sort()).toEqual(['admin', 'user']);
    expect(accounts.me(s1).user?.username).toBe('alice');
  });

  it('keeps only scrypt hashes on disk', async () => {
    const { dir, accounts } = fresh();
    await accounts.signUp('alice', 'password-a', { sessionId: 's1' });
    const file = readFileSync(join(dir, 'accounts.json'), 'utf8');
    expect(file).not.toContain('password-a');
    expect(file).toContain('scrypt$17$8$1$');
  });

  it('answers unknown user and wrong password the same way', async () => {
    const { accounts } = fresh();
    await accounts.signUp('alice', 'password-a', { sessionId: 's1' });
    const wrong = await accounts
      .logIn('alice', 'password-x', { sessionId: 's2' })
      .catch((e: Error) => e);
    const unknown = await accounts
      .logIn('mallory', 'password-x', { sessionId: 's2' })
      .catch((e: Error) => e);
    expect(wrong).toMatchObject({ code: 'unauthenticated' });
    expect(unknown).toMatchObject({ code: 'unauthenticated', message: (wrong as Error).message });
    expect(accounts.me({ sessionId: 's2' }).user).toBeNull();
  });

  it('refuses a taken name, and logs out', async () => {
    const { accounts } = fresh();
    const s1: CallContext = { sessionId: 's1' };
    await accounts.signUp('alice', 'password-a', s1);
    await expect(accounts.signUp('alice', 'password-z', { sessionId: 's3' })).rejects.toMatchObject(
      {
        code: 'conflict',
      },
    );
    const ended: string[] = [];
    accounts.onSessionEnded((id) => ended.push(id));
    const signedIn = s1.sessionId;
    accounts.logOut(s1);
    expect(ended).toEqual([signedIn]);
    expect(() => accounts.requireUser(s1)).toThrow(/Log in/);
  });

  it('lets only the administrator pass requireAdmin', async () => {
    const { accounts } = fresh();
    const s1: CallContext = { sessionId: 's1' };
    const s2: CallContext = { sessionId: 's2' };
    await accounts.signUp('alice', 'password-a', s1);
    await accounts.signUp('bob', 'password-b', s2);
    expect(accounts.requireAdmin(s1).username).toBe('alice');
    expect(() => accounts.requireAdmin(s2)).toThrow(/administrator/);
  });

  it('signs in and signs up under a fresh session id, leaving the old id signed out', async () => {
    const { accounts } = fresh();
    const renewals: SessionRenewal[] = [];
    accounts.onSessionRenewed((r) => renewals.push(r));
    const planted: CallContext = { sessionId: 'planted-by-someone-else' };
    await accounts.signUp('alice', 'password-a', planted);
    expect(planted.sessionId).not.toBe('planted-by-someone-else');
    expect(renewals).toEqual([{ from: 'planted-by-someone-else', to: planted.sessionId }]);
    expect(accounts.me({ sessionId: 'planted-by-someone-else' }).user).toBeNull();
    expect(accounts.me(planted).user?.username).toBe('alice');

    // Signing in again (even while signed in) renews again, and the previous id dies with it.
    const before = planted.sessionId;
    await accounts.logIn('alice', 'password-a', planted);
    expect(planted.sessionId).not.toBe(before);
    expect(accounts.me({ sessionId: before }).user).toBeNull();
    expect(accounts.me(planted).user?.username).toBe('alice');
    expect(renewals[1]).toEqual({ from: before, to: planted.sessionId });

    // A failed sign-in keeps the id it came with: nothing to protect, nothing renewed.
    const other: CallContext = { sessionId: 'other' };
    await expect(accounts.logIn('alice', 'password-x', other)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect(other.sessionId).toBe('other');
    expect(renewals).toHaveLength(2);
  });
});
