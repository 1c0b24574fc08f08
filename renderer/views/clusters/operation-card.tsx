import { useState } from 'react';
import type { Operation } from '../../../api/clusters-api';
import { ModalDialog } from '../../app/modal-dialog';
import {
  canCancel,
  canResume,
  canRollBack,
  operationTitle,
  phaseText,
  progressPercent,
  statusText,
} from './operation-text';

/** What the card's buttons ask for; the view makes the call and reports errors. */
export interface OperationActions {
  cancel(op: Operation): Promise<unknown>;
  resume(op: Operation): Promise<unknown>;
  rollBack(op: Operation): Promise<unknown>;
}

/**
 * One journaled operation: status and per-node phase as text, a progress bar, and the actions its
 * status allows (Cancel while running; Resume / Roll back when interrupted; Roll back after a
 * failure, behind a confirmation).
 */
export function OperationCard({
  op,
  hostNames,
  actions,
}: {
  op: Operation;
  hostNames: ReadonlyMap<string, string>;
  actions: OperationActions;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const title = operationTitle(op);
  const percent = progressPercent(op);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      setConfirming(false);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article
      className={`clusters-op clusters-op-${op.status}`}
      aria-label={`Operation: ${title}`}
      data-testid={`op-${op.id}`}
    >
      <header className="clusters-op-head">
        <h3>{title}</h3>
        <span className="clusters-op-status" data-testid={`op-${op.id}-status`}>
          {statusText(op)}
        </span>
      </header>
      <div className="clusters-progress">
        <progress
          max={100}
          value={percent}
          aria-label={`Progress of ${title}`}
          aria-valuetext={`${percent}%`}
        />
        <span>{percent}%</span>
      </div>
      <table className="clusters-table" aria-label={`Nodes of operation ${title}`}>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Host</th>
            <th scope="col">Phase</th>
          </tr>
        </thead>
        <tbody>
          {op.nodes.map((n) => (
            <tr key={n.index} className={n.phase === 'failed' ? 'clusters-failure' : undefined}>
              <th scope="row">{n.name}</th>
              <td>{hostNames.get(n.hostId) ?? n.hostId}</td>
              <td data-testid={`op-${op.id}-node-${n.name}-phase`}>{phaseText(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="clusters-actions">
        {canCancel(op) && (
          <button
            type="button"
            aria-label={`Cancel ${title}`}
            disabled={busy}
            onClick={() => void run(() => actions.cancel(op))}
          >
            Cancel
          </button>
        )}
        {canResume(op) && (
          <button
            type="button"
            aria-label={`Resume ${title}`}
            disabled={busy}
            onClick={() => void run(() => actions.resume(op))}
          >
            Resume
          </button>
        )}
        {canRollBack(op) && (
          <button
            type="button"
            className="danger"
            aria-label={`Roll back ${title}`}
            disabled={busy}
            onClick={() => setConfirming(true)}
          >
            Roll back
          </button>
        )}
      </div>
      {error && !confirming && (
        <p role="alert" className="clusters-failure">
          {error}
        </p>
      )}
      {confirming && (
        <ModalDialog wide title={`Roll back ${title}?`} onCancel={() => setConfirming(false)}>
          <p>
            {op.kind === 'delete'
              ? `This undoes what the journal of this delete records, as far as it can.`
              : `This removes every domain, volume and seed this operation created on its hosts. Nodes that were part of ${op.cluster} before it started are kept.`}
          </p>
          {error && (
            <p role="alert" className="clusters-failure">
              {error}
            </p>
          )}
          <div className="clusters-actions">
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => void run(() => actions.rollBack(op))}
            >
              {busy ? 'Rolling back…' : 'Roll back'}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </ModalDialog>
      )}
    </article>
  );
}
