import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  LoginPage,
  TextInput,
} from '@patternfly/react-core';
import { useState, type FormEvent } from 'react';
import appIcon from '../../resources/icons/corral.svg';
import { ABOUT_CORRAL } from './about-corral';
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

const SUBTITLES: Record<SignInMode, string> = {
  'first-admin':
    'No accounts exist yet. The first account is the administrator: it manages hosts and sees every cluster.',
  'log-in': 'Sign in to manage your virtual clusters.',
  'sign-up': 'Create your own account; the administrator decides which hosts it may use.',
};

/** What is wrong with each field of new credentials (nothing when both are fine). */
interface FieldProblems {
  username?: string;
  password?: string;
}

/**
 * The screen before the app frame: the first account (the administrator), then log in or sign
 * up. Input is checked with the contract's own schemas before it is sent; a problem with a field
 * shows under that field, a refusal from core above the button.
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
  const [problems, setProblems] = useState<FieldProblems>({});
  const creating = mode !== 'log-in';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (creating) {
      const found = check(username, password);
      setProblems(found);
      if (found.username || found.password) return;
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
    setProblems({});
  };

  return (
    <LoginPage
      brandImgSrc={appIcon}
      brandImgAlt="Corral"
      textContent={ABOUT_CORRAL}
      loginTitle={TITLES[mode]}
      loginSubtitle={SUBTITLES[mode]}
    >
      <Form onSubmit={(e) => void submit(e)} aria-label={TITLES[mode]} noValidate>
        <FormGroup label="User name" isRequired fieldId="sign-in-username">
          <TextInput
            id="sign-in-username"
            autoComplete="username"
            value={username}
            onChange={(_e, value) => setUsername(value)}
            isRequired
            validated={problems.username ? 'error' : 'default'}
            aria-describedby={problems.username ? 'sign-in-username-problem' : undefined}
          />
          <FieldProblem id="sign-in-username-problem" text={problems.username} />
        </FormGroup>
        <FormGroup label="Password" isRequired fieldId="sign-in-password">
          <TextInput
            id="sign-in-password"
            type="password"
            autoComplete={creating ? 'new-password' : 'current-password'}
            value={password}
            onChange={(_e, value) => setPassword(value)}
            isRequired
            validated={problems.password ? 'error' : 'default'}
            aria-describedby={problems.password ? 'sign-in-password-problem' : undefined}
          />
          <FieldProblem id="sign-in-password-problem" text={problems.password} />
        </FormGroup>
        {error && (
          // No variant label: the alert reads exactly what core answered.
          <Alert variant="danger" isInline variantLabel="" title={error} role="alert" />
        )}
        <ActionGroup>
          <Button type="submit" isBlock isDisabled={busy} isLoading={busy}>
            {busy ? 'Checking…' : creating ? 'Sign up' : 'Log in'}
          </Button>
        </ActionGroup>
        {mode === 'log-in' && (
          <p>
            No account yet?{' '}
            <Button variant="link" isInline onClick={() => switchTo('sign-up')}>
              Create an account
            </Button>
          </p>
        )}
        {mode === 'sign-up' && (
          <p>
            Already have an account?{' '}
            <Button variant="link" isInline onClick={() => switchTo('log-in')}>
              Back to log in
            </Button>
          </p>
        )}
      </Form>
    </LoginPage>
  );
}

/** A field's problem in words, under the field. */
function FieldProblem({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <FormHelperText>
      <HelperText>
        <HelperTextItem id={id} variant="error">
          {text}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

/** What is wrong with new credentials, field by field. */
function check(username: string, password: string): FieldProblems {
  const u = Username.safeParse(username);
  const p = Password.safeParse(password);
  return {
    ...(u.success ? {} : { username: `User name: ${u.error.issues[0]?.message ?? 'not valid'}` }),
    ...(p.success ? {} : { password: `Password: ${p.error.issues[0]?.message ?? 'not valid'}` }),
  };
}
