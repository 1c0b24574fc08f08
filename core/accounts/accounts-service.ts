import { randomBytes, randomUUID } from 'node:crypto';
import type { User } from '../../api/accounts-api';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../call-context';
import { AccountStore, type StoredAccount } from './account-store';
import type { ReportDataProblem } from '../persistence/data-problems';
import { LoginThrottle } from './login-throttle';
import { decoyHash, hashPassword, verifyPassword } from './password-hash';

const WRONG = 'Unknown user name or wrong password.';
/** Where a call comes from when the shell names no address (the desktop window). */
const LOCAL_SOURCE = 'this computer';

/** A session id replaced by a fresh one at sign-in or sign-up; `from` is dead afterwards. */
export interface SessionRenewal {
  from: string;
  to: string;
}

/**
 * Sign-up, log-in and log-out, and the one place that says who a call comes from. Sessions are
 * the shells' (a window, a cookie); this service binds a user to a session id. Becoming someone
 * always happens under a fresh id, so an id known before sign-in (planted in a browser, say)
 * never becomes signed in: shells follow `onSessionRenewed`.
 */
export class AccountsService {
  private readonly store: AccountStore;
  private readonly sessions = new Map<string, string>();
  private readonly throttle: LoginThrottle;
  private readonly endings = new Emitter<string>();
  private readonly renewals = new Emitter<SessionRenewal>();
  /** Serialises sign-ups so two first accounts cannot both become administrator. */
  private signUpQueue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    options: { now?: () => number; reportDataProblem?: ReportDataProblem } = {},
  ) {
    this.store = new AccountStore(dataDir, options.reportDataProblem);
    this.throttle = new LoginThrottle(options.now);
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
      this.bindFreshSession(ctx, account.id);
      return toUser(account);
    });
    this.signUpQueue = run.catch(() => {});
    return run;
  }

  async logIn(username: string, password: string, ctx: CallContext): Promise<User> {
    // Counted before the slow check, so parallel guesses cannot all slip under the limit.
    const attempt = this.throttle.begin(username, ctx.source ?? LOCAL_SOURCE);
    const account = this.store.byUsername(username);
    // Unknown users cost a hash too, so timing does not tell which names exist.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !ok) throw new CorralError('unauthenticated', WRONG);
    attempt.succeeded();
    this.bindFreshSession(ctx, account.id);
    return toUser(account);
  }

  /**
   * Signs `accountId` in under a new session id, written into `ctx` (the connection's context,
   * so its next calls carry it); the old id loses any sign-in it had and is reported to shells.
   */
  private bindFreshSession(ctx: CallContext, accountId: string): void {
    const from = ctx.sessionId;
    const to = randomBytes(32).toString('base64url');
    this.sessions.delete(from);
    ctx.sessionId = to;
    this.sessions.set(to, accountId);
    this.renewals.fire({ from, to });
  }

  /** Fires after sign-in or sign-up replaced a session id (before the call answers). */
  onSessionRenewed(listener: (renewal: SessionRenewal) => void) {
    return this.renewals.on(listener);
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
