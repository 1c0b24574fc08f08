import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  LoginPage,
  TextInput,
} from '@patternfly/react-core';
import { useState, type FormEvent } from 'react';
import appIcon from '../../resources/icons/corral.svg';
import { ABOUT_CORRAL } from './about-corral';

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
    <LoginPage
      brandImgSrc={appIcon}
      brandImgAlt="Corral"
      textContent={ABOUT_CORRAL}
      loginTitle="Corral"
      loginSubtitle="Enter the access token that the Corral server printed when it started."
    >
      <Form onSubmit={(e) => void submit(e)} aria-label="Server access">
        <FormGroup label="Access token" isRequired fieldId="access-token">
          <TextInput
            id="access-token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(_e, value) => setToken(value)}
            isRequired
          />
        </FormGroup>
        {error && (
          // No variant label: the alert reads exactly what the server answered.
          <Alert variant="danger" isInline variantLabel="" title={error} role="alert">
            Copy the token again from the line “Access token: …” that the server printed, or open
            the full address it printed.
          </Alert>
        )}
        <ActionGroup>
          <Button type="submit" isBlock isDisabled={busy || token.trim() === ''} isLoading={busy}>
            {busy ? 'Checking…' : 'Continue'}
          </Button>
        </ActionGroup>
      </Form>
    </LoginPage>
  );
}
