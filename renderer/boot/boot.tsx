import { useEffect, useState } from 'react';
import { AccountGate } from './account-gate';
import { BootDisconnected, BootWaiting } from './boot-screens';
import { connectCorral, type CorralConnection } from './corral-client';
import { isDesktopShell, receiveDesktopPort } from './electron-port';
import { TokenLogin } from './token-login';
import {
  hasWebSession,
  logInWithToken,
  openWebTransport,
  takeTokenFromLocation,
} from './web-session';

type BootState =
  | { phase: 'starting' }
  | { phase: 'login'; error?: string }
  | { phase: 'ready'; connection: CorralConnection }
  | { phase: 'disconnected'; reason: string }
  | { phase: 'logging-out' };

/** Finds the transport this shell offers, then renders the app on top of it. */
export function Boot() {
  const [state, setState] = useState<BootState>({ phase: 'starting' });

  const attach = (connection: CorralConnection) => {
    // After a logout the server closes the socket: that is expected, not a disconnection.
    connection.onClose((reason) =>
      setState((s) => (s.phase === 'logging-out' ? s : { phase: 'disconnected', reason })),
    );
    setState({ phase: 'ready', connection });
  };

  useEffect(() => {
    let cancelled = false;
    const start = async () => {
      if (isDesktopShell()) {
        const transport = await receiveDesktopPort();
        if (!cancelled) attach(connectCorral(transport));
        return;
      }
      const token = takeTokenFromLocation();
      try {
        if (token) await logInWithToken(token);
      } catch (err) {
        if (!cancelled) setState({ phase: 'login', error: (err as Error).message });
        return;
      }
      if (!(await hasWebSession())) {
        if (!cancelled) setState({ phase: 'login' });
        return;
      }
      const transport = await openWebTransport();
      if (!cancelled) attach(connectCorral(transport));
    };
    start().catch((err: unknown) => {
      if (!cancelled) setState({ phase: 'disconnected', reason: String(err) });
    });
    return () => {
      cancelled = true;
    };
  }, []);

  switch (state.phase) {
    case 'starting':
      return <BootWaiting text="Connecting…" />;
    case 'login':
      return (
        <TokenLogin
          error={state.error}
          onSubmit={async (token) => {
            await logInWithToken(token);
            attach(connectCorral(await openWebTransport()));
          }}
        />
      );
    case 'disconnected':
      return <BootDisconnected reason={state.reason} />;
    case 'logging-out':
      return <BootWaiting text="Logging out…" />;
    case 'ready':
      return (
        <AccountGate
          client={state.connection.api}
          onLoggingOut={() => setState({ phase: 'logging-out' })}
        />
      );
  }
}
