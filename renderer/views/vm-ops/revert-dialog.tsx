import { Alert, Checkbox, Content, Form, FormGroup, Radio, Spinner } from '@patternfly/react-core';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { RevertCheck } from '../../../api/snapshots-api';
import { errorMessage } from '../../app/notifications';
import { OpDialog, Refusal, useSend } from './op-dialog';

export type StartAs = 'running' | 'paused';

/**
 * Confirms a revert only after the server said whether it can go ahead: it asks first (`check`),
 * lists every problem found (a revert across a live vCPU change would leave the VM shut off), and
 * keeps "Revert" disabled while the answer is pending, when the revert cannot go ahead, and, when
 * it can but loses something, until the person ticks that they understand.
 */
export function RevertDialog({
  title,
  intro,
  check,
  chooseStart,
  revert,
  onClose,
}: {
  title: string;
  intro: ReactNode;
  check: () => Promise<RevertCheck>;
  /** Offer running or paused afterwards (a snapshot that holds memory). */
  chooseStart?: boolean;
  revert: (startAs: StartAs) => Promise<unknown>;
  onClose: () => void;
}) {
  const baseId = useId();
  const [result, setResult] = useState<RevertCheck>();
  const [checkError, setCheckError] = useState<string>();
  const [understood, setUnderstood] = useState(false);
  const [startAs, setStartAs] = useState<StartAs>('running');
  const { busy, failure, send } = useSend();

  useEffect(() => {
    let live = true;
    check().then(
      (r) => live && setResult(r),
      (err: unknown) => live && setCheckError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
    // The check runs once, for what the dialog was opened on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const warnings = result?.ok ? result.problems : [];
  const allowed =
    result?.ok === true && (warnings.length === 0 || understood) && !busy && !checkError;

  const go = () => {
    if (!allowed) return;
    send(() => revert(startAs), onClose);
  };

  return (
    <OpDialog
      title={title}
      action="Revert"
      danger
      busy={busy}
      disabled={!allowed}
      onAction={go}
      onClose={onClose}
    >
      <Form noValidate aria-label={title} onSubmit={(e) => e.preventDefault()}>
        <Content component="p">{intro}</Content>
        {!result && !checkError && (
          <Content component="p" data-testid="revert-checking">
            <Spinner size="sm" aria-hidden /> Checking whether the revert can go ahead…
          </Content>
        )}
        {checkError && (
          <Alert isInline variant="danger" role="alert" title="Could not check the revert">
            {checkError}
          </Alert>
        )}
        {result && !result.ok && (
          <Alert
            isInline
            variant="danger"
            title="The revert cannot go ahead"
            data-testid="revert-problems"
          >
            <ul>
              {result.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </Alert>
        )}
        {warnings.length > 0 && (
          <>
            <Alert
              isInline
              variant="warning"
              title="Before you revert"
              data-testid="revert-problems"
            >
              <ul>
                {warnings.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Alert>
            <Checkbox
              id={`${baseId}-understood`}
              label="I understand, revert anyway"
              isChecked={understood}
              onChange={(_e, on) => setUnderstood(on)}
            />
          </>
        )}
        {result?.ok && warnings.length === 0 && (
          <Alert isInline isPlain variant="success" title="The revert can go ahead." />
        )}
        {chooseStart && result?.ok && (
          <FormGroup role="radiogroup" isInline fieldId={`${baseId}-start`} label="Afterwards">
            <Radio
              id={`${baseId}-running`}
              name={`${baseId}-start`}
              label="Running"
              isChecked={startAs === 'running'}
              onChange={() => setStartAs('running')}
            />
            <Radio
              id={`${baseId}-paused`}
              name={`${baseId}-start`}
              label="Paused"
              isChecked={startAs === 'paused'}
              onChange={() => setStartAs('paused')}
            />
          </FormGroup>
        )}
        <Refusal title="The revert was refused" failure={failure} />
      </Form>
    </OpDialog>
  );
}
