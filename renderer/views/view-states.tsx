import {
  Bullseye,
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Spinner,
} from '@patternfly/react-core';
import { ExclamationCircleIcon, LockIcon } from '@patternfly/react-icons';
import { CorralError } from '../../api/errors';
import { useSession } from '../app/user-context';

/** While a view's first answer is on its way. */
export function LoadingState({ what }: { what: string }) {
  return (
    <Bullseye>
      <Spinner size="lg" aria-label={`Loading ${what}`} />
    </Bullseye>
  );
}

/** Whether a failed request means the session is gone (signed out elsewhere, or expired). */
export function isSignedOut(err: unknown): boolean {
  return err instanceof CorralError && err.code === 'unauthenticated';
}

/**
 * A view's first request failed: what failed, why, and the next step (try again; sign in again
 * when the session is gone, since retrying cannot help then).
 */
export function RequestFailedState({
  what,
  error,
  onRetry,
}: {
  what: string;
  error: unknown;
  onRetry: () => void;
}) {
  if (isSignedOut(error)) return <SignedOutState />;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <EmptyState
      headingLevel="h2"
      titleText={`Could not load ${what}`}
      icon={ExclamationCircleIcon}
      status="danger"
    >
      <EmptyStateBody>
        <span role="alert">{message}</span>. Check that the Corral service is running, then try
        again.
      </EmptyStateBody>
      <EmptyStateFooter>
        <EmptyStateActions>
          <Button variant="primary" onClick={onRetry}>
            Try again
          </Button>
        </EmptyStateActions>
      </EmptyStateFooter>
    </EmptyState>
  );
}

/** The session ended: nothing can be shown until someone signs in again. */
export function SignedOutState() {
  const { logOut } = useSession();
  return (
    <EmptyState headingLevel="h2" titleText="You are signed out" icon={LockIcon} status="warning">
      <EmptyStateBody>
        Your session ended (it expired, or you logged out in another window). Sign in again to
        continue; nothing you saved is lost.
      </EmptyStateBody>
      <EmptyStateFooter>
        <EmptyStateActions>
          <Button variant="primary" onClick={() => void logOut()}>
            Sign in again
          </Button>
        </EmptyStateActions>
      </EmptyStateFooter>
    </EmptyState>
  );
}
