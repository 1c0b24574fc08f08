import { join } from 'node:path';
import Conf from 'conf';
import { z } from 'zod';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import { readJsonObjectFile } from '../persistence/json-file';

export const StoredAccount = z.object({
  id: z.string(),
  username: z.string(),
  passwordHash: z.string(),
  role: z.enum(['admin', 'user']),
  createdAt: z.string(),
});
export type StoredAccount = z.infer<typeof StoredAccount>;

/**
 * Accounts in `accounts.json` under the data folder (conf writes atomically). A record that fails
 * validation is never trusted: it is set aside with the original file when the store opens (and
 * reported), so the valid accounts load and a later write cannot lose it.
 */
export class AccountStore {
  private readonly conf: Conf<{ accounts: unknown }>;

  constructor(dataDir: string, report: ReportDataProblem = logDataProblem) {
    readJsonObjectFile(join(dataDir, 'accounts.json'), report);
    this.conf = new Conf<{ accounts: unknown }>({
      cwd: dataDir,
      configName: 'accounts',
      defaults: { accounts: [] },
      clearInvalidConfig: false,
      // Password hashes: for this user's eyes only.
      configFileMode: 0o600,
    });
    const raw = this.raw();
    const bad = raw.flatMap((r, i) => (StoredAccount.safeParse(r).success ? [] : [i + 1]));
    if (bad.length > 0) {
      setAside(
        this.conf.path,
        `account ${bad.length > 1 ? 'entries' : 'entry'} ${listOf(bad)} could not be read and ${bad.length > 1 ? 'were' : 'was'} left out`,
        report,
      );
      this.conf.set(
        'accounts',
        raw.filter((_, i) => !bad.includes(i + 1)),
      );
    }
  }

  all(): StoredAccount[] {
    return this.raw().flatMap((r: unknown) => {
      const parsed = StoredAccount.safeParse(r);
      return parsed.success ? [parsed.data] : [];
    });
  }

  private raw(): unknown[] {
    const raw = this.conf.get('accounts');
    return Array.isArray(raw) ? raw : [];
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
