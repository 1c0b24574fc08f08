import {
  Bullseye,
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Spinner,
} from '@patternfly/react-core';
import { DisconnectedIcon } from '@patternfly/react-icons';

/** While the app finds its connection (or signs out): a spinner and what is happening. */
export function BootWaiting({ text }: { text: string }) {
  return (
    <Bullseye className="boot-status">
      <EmptyState titleText={text} headingLevel="h1" icon={Spinner} />
    </Bullseye>
  );
}

/**
 * The connection to Corral is gone (the server stopped, the network dropped, the session ended):
 * what happened, and the next step as a button.
 */
export function BootDisconnected({ reason }: { reason: string }) {
  return (
    <Bullseye className="boot-status">
      <EmptyState
        titleText="Disconnected from Corral"
        headingLevel="h1"
        icon={DisconnectedIcon}
        status="danger"
      >
        <EmptyStateBody role="alert">
          Disconnected from Corral: {reason}. Reload to reconnect.
        </EmptyStateBody>
        <EmptyStateBody>
          If reloading does not help, check that the Corral server is still running (
          <code>npm run web</code>) and that this computer can reach it.
        </EmptyStateBody>
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="primary" onClick={() => location.reload()}>
              Reload
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      </EmptyState>
    </Bullseye>
  );
}
