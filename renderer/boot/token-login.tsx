import { useState, type FormEvent } from 'react';

/** Server mode's access gate: the token printed when `npm run web` started. */
export function TokenLogin(props: { onSubmit: (token: string) => Promise<void>; error?: string }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(props.error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit(token.trim());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-label="Server access">
        <h1>Corral</h1>
        <p>Enter the access token that the Corral server printed when it started.</p>
        <label htmlFor="access-token">Access token</label>
        <input
          id="access-token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Continue'}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
