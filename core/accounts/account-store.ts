import Conf from 'conf';
import { z } from 'zod';

export const StoredAccount = z.object({
  id: z.string(),
  username: z.string(),
  passwordHash: z.string(),
  role: z.enum(['admin', 'user']),
  createdAt: z.string(),
});
export type StoredAccount = z.infer<typeof StoredAccount>;

/** Accounts in `accounts.json` under the data folder (conf writes atomically). */
export class AccountStore {
  private readonly conf: Conf<{ accounts: unknown }>;

  constructor(dataDir: string) {
    this.conf = new Conf<{ accounts: unknown }>({
      cwd: dataDir,
      configName: 'accounts',
      defaults: { accounts: [] },
      // Password hashes: for this user's eyes only.
      configFileMode: 0o600,
    });
  }

  all(): StoredAccount[] {
    // A record that fails validation is skipped rather than trusted.
    const raw = this.conf.get('accounts');
    return (Array.isArray(raw) ? raw : []).flatMap((r: unknown) => {
      const parsed = StoredAccount.safeParse(r);
      return parsed.success ? [parsed.data] : [];
    });
  }

  byUsername(username: string): StoredAccount | undefined {
    return this.all().find((a) => a.username === username);
  }

  byId(id: string): StoredAccount | undefined {
    return this.all().find((a) => a.id === id);
  }

  add(account: StoredAccount): void {
    this.conf.set('accounts', [...this.all(), account]);
  }
}
