import {
  Alert,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  CardTitle,
  Content,
  Flex,
  FlexItem,
  Label,
  Title,
} from '@patternfly/react-core';
import { InProgressIcon } from '@patternfly/react-icons';
import type { HostView } from '../../../api/hosts-api';
import { exactTime, relativeTime } from '../../app/relative-time';
import { useNow } from '../../app/time-ago';
import { hostStatusText, type StatusTone } from './host-status-text';

/** The label's look per tone; the text always says the state too. */
function statusLabel(tone: StatusTone) {
  switch (tone) {
    case 'ok':
      return { status: 'success' as const };
    case 'warn':
      return { status: 'warning' as const };
    case 'error':
      return { status: 'danger' as const };
    case 'busy':
      return { color: 'blue' as const, icon: <InProgressIcon /> };
  }
}

/** One host: name, address, status as a label with text, what to do when it is down. */
export function HostCard({
  host,
  canManage,
  onEdit,
  onRemove,
  onTrust,
  onReplace,
  onReconnect,
}: {
  host: HostView;
  /** The administrator's controls (trust, replace, reconnect, edit, remove). */
  canManage: boolean;
  onEdit: () => void;
  onRemove: () => void;
  onTrust: () => void;
  onReplace: () => void;
  onReconnect: () => void;
}) {
  const now = useNow();
  // Times read "3 min ago" (a month back, the date); the exact time is on hover.
  const { text, tone } = hostStatusText(host.status, (iso) =>
    relativeTime(iso, now).replace(/^on /, ''),
  );
  const titleId = `host-${host.id}-name`;
  const s = host.status;
  const down = s.state === 'unreachable' || s.state === 'auth-failed';
  const reconnect = (
    <Button variant={down ? 'primary' : 'secondary'} onClick={onReconnect}>
      Reconnect
    </Button>
  );
  return (
    <Card component="article" aria-labelledby={titleId} isCompact>
      <CardHeader>
        <Flex alignItems={{ default: 'alignItemsBaseline' }} gap={{ default: 'gapMd' }}>
          <FlexItem>
            <CardTitle>
              <Title headingLevel="h2" size="lg" id={titleId}>
                {host.name}
              </Title>
            </CardTitle>
          </FlexItem>
          <FlexItem>
            <span className="hosts-muted">
              {host.local ? host.address : `${host.user}@${host.address}:${host.port}`}
            </span>
          </FlexItem>
        </Flex>
      </CardHeader>
      <CardBody>
        <Label {...statusLabel(tone)}>
          <span
            data-testid="host-status"
            data-state={s.state}
            title={s.state === 'unreachable' ? `since ${exactTime(s.since)}` : undefined}
          >
            {text}
          </span>
        </Label>
        {down && (
          <Alert
            variant="danger"
            isInline
            isPlain
            className="hosts-note"
            title={s.state === 'auth-failed' ? 'Corral cannot sign in' : 'This host is down'}
          >
            {s.state === 'auth-failed'
              ? 'The host refused the credentials. Edit the host to fix the user, key or password, then reconnect.'
              : s.retryAt
                ? 'Corral retries by itself. Check that the host is powered on and its SSH port answers; Reconnect tries at once.'
                : 'Check that the host is powered on and its SSH port answers, then reconnect.'}
            {!canManage && ' The administrator can reconnect it.'}
          </Alert>
        )}
        {s.state === 'key-mismatch' && (
          <Content component="p" className="hosts-note" data-testid="key-mismatch-explanation">
            {host.name} presented a different {s.keyType} host key ({s.presented}) than the one you
            trusted ({s.expected}). Corral refused the connection before sending any credential. If
            the host was reinstalled or its keys regenerated, replace the key; otherwise someone may
            be intercepting the connection.
          </Content>
        )}
      </CardBody>
      {canManage && (
        <CardFooter>
          <Flex gap={{ default: 'gapSm' }}>
            {s.state === 'key-unknown' && (
              <Button variant="primary" onClick={onTrust}>
                Review host key…
              </Button>
            )}
            {s.state === 'key-mismatch' && (
              <Button variant="warning" onClick={onReplace}>
                Replace key…
              </Button>
            )}
            {reconnect}
            {!host.local && (
              <>
                <Button variant="secondary" onClick={onEdit}>
                  Edit
                </Button>
                <Button variant="secondary" isDanger onClick={onRemove}>
                  Remove
                </Button>
              </>
            )}
          </Flex>
        </CardFooter>
      )}
    </Card>
  );
}
