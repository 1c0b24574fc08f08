import { useState, type FormEvent } from 'react';
import { Credentials, Password, Username, type User } from '../../api/accounts-api';

/** Core's answer to any failed log-in (unknown user or wrong password alike). */
const LOG_IN_FAILED = 'Unknown user name or wrong password.';

/** Which form the sign-in screen shows. */
export type SignInMode = 'first-admin' | 'log-in' | 'sign-up';

const TITLES: Record<SignInMode, string> = {
  'first-admin': 'Create the administrator account',
  'log-in': 'Log in',
  'sign-up': 'Sign up',
};

/**
 * The screen before the app frame (issue 6): the first account (the administrator), then log in
 * or sign up. Input is checked with the contract's own schemas before it is sent.
 */
export function SignIn(props: {
  hasAccounts: boolean;
  logIn: (username: string, password: string) => Promise<User>;
  signUp: (username: string, password: string) => Promise<User>;
  onSignedIn: (user: User) => void;
}) {
  const [mode, setMode] = useState<SignInMode>(props.hasAccounts ? 'log-in' : 'first-admin');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const creating = mode !== 'log-in';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (creating) {
      const problem = check(username, password);
      if (problem) return setError(problem);
    } else if (!Credentials.safeParse({ username, password }).success) {
      // No account can have these: the same answer as any failed log-in, nothing more.
      return setError(LOG_IN_FAILED);
    }
    setBusy(true);
    try {
      const user = creating
        ? await props.signUp(username, password)
        : await props.logIn(username, password);
      props.onSignedIn(user);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const switchTo = (next: SignInMode) => {
    setMode(next);
    setError(undefined);
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{TITLES[mode]}</h1>
        {mode === 'first-admin' && (
          <p>
            No accounts exist yet. The first account is the administrator: it manages hosts and sees
            every cluster.
          </p>
        )}
        <label htmlFor="sign-in-username">User name</label>
        <input
          id="sign-in-username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
        <label htmlFor="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          type="password"
          autoComplete={creating ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : creating ? 'Sign up' : 'Log in'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {mode === 'log-in' && (
          <p>
            No account yet?{' '}
            <button type="button" className="link" onClick={() => switchTo('sign-up')}>
              Create an account
            </button>
          </p>
        )}
        {mode === 'sign-up' && (
          <p>
            Already have an account?{' '}
            <button type="button" className="link" onClick={() => switchTo('log-in')}>
              Back to log in
            </button>
          </p>
        )}
      </form>
    </main>
  );
}

/** A sentence about what is wrong with new credentials, or undefined. */
function check(username: string, password: string): string | undefined {
  const u = Username.safeParse(username);
  if (!u.success) return `User name: ${u.error.issues[0]?.message ?? 'not valid'}`;
  const p = Password.safeParse(password);
  if (!p.success) return `Password: ${p.error.issues[0]?.message ?? 'not valid'}`;
  return undefined;
}
