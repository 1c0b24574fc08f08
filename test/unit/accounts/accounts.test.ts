import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountsService } from '../../../core/accounts/accounts-service';
import { loginDelayMs, LoginThrottle } from '../../../core/accounts/login-throttle';
import { hashPassword, verifyPassword } from '../../../core/accounts/password-hash';

describe('password hashing', () => {
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

describe('login throttle', () => {
  it('lets a few typos through, then doubles the delay up to a cap', () => {
    expect([0, 1, 2].map(loginDelayMs)).toEqual([0, 0, 0]);
    expect(loginDelayMs(3)).toBe(500);
    expect(loginDelayMs(4)).toBe(1000);
    expect(loginDelayMs(50)).toBe(30_000);
  });

  it('forgets failures after a quiet period and on success', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) t.recordFailure('Alice');
    expect(t.delayFor('alice')).toBe(2000);
    now += 16 * 60 * 1000;
    expect(t.delayFor('alice')).toBe(0);
    for (let i = 0; i < 5; i++) t.recordFailure('bob');
    t.recordSuccess('bob');
    expect(t.delayFor('bob')).toBe(0);
  });
});

describe('accounts', () => {
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'corral-accounts-'));
    return { dir, accounts: new AccountsService(dir) };
  };

  it('makes the first account the administrator and later ones plain users', async () => {
    const { accounts } = fresh();
    const [a, b] = await Promise.all([
      accounts.signUp('alice', 'password-a', { sessionId: 's1' }),
      accounts.signUp('bob', 'password-b', { sessionId: 's2' }),
    ]);
    expect([a.role, b.role].sort()).toEqual(['admin', 'user']);
    expect(accounts.me({ sessionId: 's1' }).user?.username).toBe('alice');
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
    await accounts.signUp('alice', 'password-a', { sessionId: 's1' });
    await expect(accounts.signUp('alice', 'password-z', { sessionId: 's3' })).rejects.toMatchObject(
      {
        code: 'conflict',
      },
    );
    const ended: string[] = [];
    accounts.onSessionEnded((id) => ended.push(id));
    accounts.logOut({ sessionId: 's1' });
    expect(ended).toEqual(['s1']);
    expect(() => accounts.requireUser({ sessionId: 's1' })).toThrow(/Log in/);
  });

  it('lets only the administrator pass requireAdmin', async () => {
    const { accounts } = fresh();
    await accounts.signUp('alice', 'password-a', { sessionId: 's1' });
    await accounts.signUp('bob', 'password-b', { sessionId: 's2' });
    expect(accounts.requireAdmin({ sessionId: 's1' }).username).toBe('alice');
    expect(() => accounts.requireAdmin({ sessionId: 's2' })).toThrow(/administrator/);
  });
});
