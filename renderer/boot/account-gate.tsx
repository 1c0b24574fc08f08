import { useEffect, useState } from 'react';
import type { User } from '../../api/accounts-api';
import { App } from '../app/app';
import type { CorralClient } from './corral-client';
import { SignIn } from './sign-in';

type GateState =
  | { phase: 'asking' }
  | { phase: 'error'; message: string }
  | { phase: 'signed-out'; hasAccounts: boolean }
  | { phase: 'signed-in'; user: User };

/**
 * Asks core who this session is, and shows the sign-in screen until someone is.
 * Logging out reloads the page: every view, subscription and console starts over signed out.
 */
export function AccountGate(props: { client: CorralClient; onLoggingOut: () => void }) {
  const { client } = props;
  const [state, setState] = useState<GateState>({ phase: 'asking' });

  useEffect(() => {
    let cancelled = false;
    client.accounts.me({}).then(
      ({ user, hasAccounts }) => {
        if (cancelled) return;
        setState(user ? { phase: 'signed-in', user } : { phase: 'signed-out', hasAccounts });
      },
      (err: Error) => !cancelled && setState({ phase: 'error', message: err.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [client]);

  switch (state.phase) {
    case 'asking':
      return <p className="boot-status">Connecting…</p>;
    case 'error':
      return (
        <p className="boot-status" role="alert">
          Could not reach Corral: {state.message}
        </p>
      );
    case 'signed-out':
      return (
        <SignIn
          hasAccounts={state.hasAccounts}
          logIn={(username, password) => client.accounts.logIn({ username, password })}
          signUp={(username, password) => client.accounts.signUp({ username, password })}
          onSignedIn={(user) => setState({ phase: 'signed-in', user })}
        />
      );
    case 'signed-in':
      return (
        <App
          client={client}
          session={{
            user: state.user,
            logOut: async () => {
              props.onLoggingOut();
              await client.accounts.logOut({}).catch(() => {});
              location.reload();
            },
          }}
        />
      );
  }
}
