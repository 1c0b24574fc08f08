import {
  Alert,
  Button,
  Content,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Spinner,
} from '@patternfly/react-core';
import { useEffect, useId, useRef, useState } from 'react';
import type { MigrationPreflight } from '../../../api/migration-api';
import { errorMessage } from '../../app/notifications';
import type { MigrateClient } from './migrate-client';
import type { MigrateRequestView } from './migrate-store';
import {
  blockerText,
  canConfirm,
  checkedText,
  initialTarget,
  noticeLines,
  targetChoices,
  verdictText,
  type TargetChoice,
} from './migrate-text';
import { OpDialog, Refusal, useSend } from './op-dialog';
import { followTask } from './task-follow';

/** The pre-flight of one target: pending, answered, or failed to answer. */
type Check =
  | { target: string; state: 'checking' }
  | { target: string; state: 'done'; result: MigrationPreflight }
  | { target: string; state: 'error'; error: string };

/**
 * Moves a VM to another host: pick the target (another online host), read the pre-flight's
 * verdict as text (every blocker with its remedy, the notices, how long the checks took), and
 * confirm. Migrate stays disabled until a verdict without blockers is in for the chosen target;
 * the started task is followed to its end by a toast pointing at the Tasks tab.
 */
export function MigrateDialog({
  client,
  request,
  onClose,
}: {
  client: MigrateClient;
  request: MigrateRequestView;
  onClose: () => void;
}) {
  const baseId = useId();
  const [choices, setChoices] = useState<TargetChoice[]>();
  const [hostsError, setHostsError] = useState<string>();
  const [target, setTarget] = useState<string>();
  const [check, setCheck] = useState<Check>();
  // Only the latest pre-flight's answer counts: the person may pick again before one returns.
  const latestRef = useRef(0);
  const { busy, failure, send } = useSend();
  const vm = { hostId: request.hostId, uuid: request.uuid };

  const runCheck = (targetHostId: string) => {
    const seq = ++latestRef.current;
    setCheck({ target: targetHostId, state: 'checking' });
    client.migration.preflight({ ...vm, targetHostId }).then(
      (result) =>
        seq === latestRef.current && setCheck({ target: targetHostId, state: 'done', result }),
      (err: unknown) =>
        seq === latestRef.current &&
        setCheck({ target: targetHostId, state: 'error', error: errorMessage(err) }),
    );
  };

  const pick = (targetHostId: string | undefined) => {
    setTarget(targetHostId);
    if (targetHostId) runCheck(targetHostId);
    else {
      latestRef.current++;
      setCheck(undefined);
    }
  };

  useEffect(() => {
    let live = true;
    client.hosts.list({}).then(
      (hosts) => {
        if (!live) return;
        const list = targetChoices(hosts, request.hostId);
        setChoices(list);
        pick(initialTarget(list, request.targetHostId));
      },
      (err: unknown) => live && setHostsError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
    // The hosts are read once, for the VM the dialog was opened on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const result = check?.state === 'done' ? check.result : undefined;
  const allowed = canConfirm(result, target) && !busy;
  const targetName = choices?.find((c) => c.id === target)?.name ?? target ?? '';
  const go = () => {
    if (!allowed || !target) return;
    send(
      () => client.migration.start({ ...vm, targetHostId: target }),
      (task) => {
        followTask(client, task);
        onClose();
      },
    );
  };

  const title = `Migrate ${request.name}`;
  return (
    <OpDialog
      title={title}
      action="Migrate"
      busy={busy}
      disabled={!allowed}
      onAction={go}
      onClose={onClose}
      testId="migrate-dialog"
    >
      <Form noValidate aria-label={title} onSubmit={(e) => e.preventDefault()}>
        {hostsError && (
          <Alert isInline variant="danger" role="alert" title="Could not read the hosts">
            {hostsError}
          </Alert>
        )}
        {!choices && !hostsError && (
          <Content component="p">
            <Spinner size="sm" aria-hidden /> Reading the hosts…
          </Content>
        )}
        {choices && choices.length === 0 && (
          <Content component="p" data-testid="migrate-no-target">
            No other host is online, so there is nowhere to move {request.name} to.
          </Content>
        )}
        {choices && choices.length > 0 && (
          <FormGroup label="Target host" fieldId={`${baseId}-target`}>
            <FormSelect
              id={`${baseId}-target`}
              value={target ?? ''}
              onChange={(_e, value) => pick(value || undefined)}
            >
              <FormSelectOption value="" label="Choose a host" isPlaceholder />
              {choices.map((c) => (
                <FormSelectOption key={c.id} value={c.id} label={c.name} />
              ))}
            </FormSelect>
          </FormGroup>
        )}
        <PreflightText check={check} targetName={targetName} onRetry={() => pick(target)} />
        <Refusal title="The migration was refused" failure={failure} />
      </Form>
    </OpDialog>
  );
}

/** The verdict for the chosen target, all as text (a status region, so it is announced). */
function PreflightText({
  check,
  targetName,
  onRetry,
}: {
  check?: Check;
  targetName: string;
  onRetry: () => void;
}) {
  if (!check) return null;
  if (check.state === 'checking') {
    return (
      <Content component="p" role="status" data-testid="migrate-checking">
        <Spinner size="sm" aria-hidden /> Checking whether the move to {targetName} can go ahead…
      </Content>
    );
  }
  if (check.state === 'error') {
    return (
      <Alert
        isInline
        variant="danger"
        role="alert"
        title="Could not check the move"
        actionLinks={
          <Button variant="link" isInline onClick={onRetry}>
            Check again
          </Button>
        }
      >
        {check.error}
      </Alert>
    );
  }
  const pf = check.result;
  const notices = noticeLines(pf);
  return (
    <div role="status" className="migrate-preflight" data-testid="migrate-preflight">
      <Content component="p" data-testid="migrate-verdict">
        {verdictText(pf, targetName)}
      </Content>
      {pf.blockers.length > 0 && (
        <Content component="ul" aria-label="What stops the move" data-testid="migrate-blockers">
          {pf.blockers.map((b) => (
            <Content component="li" key={`${b.code}-${b.message}`}>
              {blockerText(b)}
            </Content>
          ))}
        </Content>
      )}
      {notices.length > 0 && (
        <Content component="ul" aria-label="Good to know" data-testid="migrate-notices">
          {notices.map((n) => (
            <Content component="li" key={n}>
              {n}
            </Content>
          ))}
        </Content>
      )}
      <Content component="p" data-testid="migrate-checked">
        {checkedText(pf.checkedMs)}{' '}
        {pf.blockers.length > 0 && (
          <Button variant="link" isInline onClick={onRetry}>
            Check again
          </Button>
        )}
      </Content>
    </div>
  );
}
