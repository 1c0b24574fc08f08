import { randomUUID } from 'node:crypto';
import type { User } from '../../api/accounts-api';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../call-context';
import { AccountStore, type StoredAccount } from './account-store';
import type { ReportDataProblem } from '../persistence/data-problems';
import { LoginThrottle } from './login-throttle';
import { decoyHash, hashPassword, verifyPassword } from './password-hash';

const WRONG = 'Unknown user name or wrong password.';

/**
 * Sign-up, log-in and log-out, and the one place that says who a call comes from. Sessions are
 * the shells' (a window, a cookie); this service binds a user to a session id.
 */
export class AccountsService {
  private readonly store: AccountStore;
  private readonly sessions = new Map<string, string>();
  private readonly throttle = new LoginThrottle();
  private readonly endings = new Emitter<string>();
  /** Serialises sign-ups so two first accounts cannot both become administrator. */
  private signUpQueue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, reportDataProblem?: ReportDataProblem) {
    this.store = new AccountStore(dataDir, reportDataProblem);
  }

  signUp(username: string, password: string, ctx: CallContext): Promise<User> {
    const run = this.signUpQueue.then(async () => {
      if (this.store.byUsername(username)) {
        throw new CorralError('conflict', `the user name ${username} is taken`);
      }
      const account: StoredAccount = {
        id: randomUUID(),
        username,
        passwordHash: await hashPassword(password),
        role: this.store.all().length === 0 ? 'admin' : 'user',
        createdAt: new Date().toISOString(),
      };
      this.store.add(account);
      this.sessions.set(ctx.sessionId, account.id);
      return toUser(account);
    });
    this.signUpQueue = run.catch(() => {});
    return run;
  }

  async logIn(username: string, password: string, ctx: CallContext): Promise<User> {
    const delay = this.throttle.delayFor(username);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const account = this.store.byUsername(username);
    // Unknown users cost a hash too, so timing does not tell which names exist.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !ok) {
      this.throttle.recordFailure(username);
      throw new CorralError('unauthenticated', WRONG);
    }
    this.throttle.recordSuccess(username);
    this.sessions.set(ctx.sessionId, account.id);
    return toUser(account);
  }

  logOut(ctx: CallContext): void {
    this.endSession(ctx.sessionId);
  }

  /** Forgets a session (logout, idle timeout); shells close its connections on `onSessionEnded`. */
  endSession(sessionId: string): void {
    if (!this.sessions.delete(sessionId)) return;
    this.endings.fire(sessionId);
  }

  onSessionEnded(listener: (sessionId: string) => void) {
    return this.endings.on(listener);
  }

  me(ctx: CallContext): { user: User | null; hasAccounts: boolean } {
    const id = this.sessions.get(ctx.sessionId);
    const account = id ? this.store.byId(id) : undefined;
    return { user: account ? toUser(account) : null, hasAccounts: this.store.all().length > 0 };
  }

  /**
   * User names by id, as far as the caller may know them: the administrator every account's, a
   * user only their own (other users' names are theirs to keep). Empty when not signed in.
   */
  userNames(ctx: CallContext): Record<string, string> {
    const { user } = this.me(ctx);
    if (!user) return {};
    if (user.role !== 'admin') return { [user.id]: user.username };
    return Object.fromEntries(this.store.all().map((a) => [a.id, a.username]));
  }

  /** The caller, or an `unauthenticated` error: every protected operation starts here. */
  requireUser(ctx: CallContext): User {
    const { user } = this.me(ctx);
    if (!user) throw new CorralError('unauthenticated', 'Log in first.');
    return user;
  }

  requireAdmin(ctx: CallContext): User {
    const user = this.requireUser(ctx);
    if (user.role !== 'admin') {
      throw new CorralError('forbidden', 'Only the administrator manages hosts.');
    }
    return user;
  }
}

function toUser(account: StoredAccount): User {
  return { id: account.id, username: account.username, role: account.role };
}
