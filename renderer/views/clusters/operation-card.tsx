import {
  Alert,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  CardTitle,
  Flex,
  Label,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Progress,
  ProgressMeasureLocation,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useId, useState } from 'react';
import type { Operation } from '../../../api/clusters-api';
import {
  canCancel,
  canResume,
  canRollBack,
  operationTitle,
  phaseText,
  progressPercent,
  statusText,
} from './operation-text';
import { phaseColor, statusColor } from './phase-label';

/** What the card's buttons ask for; the view makes the call and reports errors. */
export interface OperationActions {
  cancel(op: Operation): Promise<unknown>;
  resume(op: Operation): Promise<unknown>;
  rollBack(op: Operation): Promise<unknown>;
}

/**
 * One journaled operation: status and per-node phase as text labels, a progress bar, and the
 * actions its status allows (Cancel while running; Resume / Roll back when interrupted; Roll back
 * after a failure, behind a confirmation).
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
  const confirmTitleId = useId();
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
    <Card
      component="article"
      className={`clusters-op clusters-op-${op.status}`}
      aria-label={`Operation: ${title}`}
      data-testid={`op-${op.id}`}
    >
      <CardHeader>
        <Flex alignItems={{ default: 'alignItemsCenter' }}>
          <CardTitle component="h3">{title}</CardTitle>
          <Label color={statusColor(op.status)}>
            <span data-testid={`op-${op.id}-status`}>{statusText(op)}</span>
          </Label>
        </Flex>
      </CardHeader>
      <CardBody>
        <Progress
          value={percent}
          aria-label={`Progress of ${title}`}
          valueText={`${percent}%`}
          measureLocation={ProgressMeasureLocation.outside}
          variant={op.status === 'failed' ? 'danger' : undefined}
        />
        <Table role="table" variant="compact" aria-label={`Nodes of operation ${title}`}>
          <Thead>
            <Tr>
              <Th>Node</Th>
              <Th>Host</Th>
              <Th>Phase</Th>
            </Tr>
          </Thead>
          <Tbody>
            {op.nodes.map((n) => (
              <Tr key={n.index}>
                <Th scope="row" dataLabel="Node">
                  {n.name}
                </Th>
                <Td dataLabel="Host">{hostNames.get(n.hostId) ?? n.hostId}</Td>
                <Td dataLabel="Phase">
                  <Label color={phaseColor(n.phase)} isCompact>
                    <span data-testid={`op-${op.id}-node-${n.name}-phase`}>{phaseText(n)}</span>
                  </Label>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
        {error && !confirming && (
          <Alert isInline variant="danger" role="alert" title={`${title}: the request failed`}>
            {error}
          </Alert>
        )}
      </CardBody>
      {(canCancel(op) || canResume(op) || canRollBack(op)) && (
        <CardFooter>
          <Flex>
            {canCancel(op) && (
              <Button
                variant="secondary"
                aria-label={`Cancel ${title}`}
                isDisabled={busy}
                onClick={() => void run(() => actions.cancel(op))}
              >
                Cancel
              </Button>
            )}
            {canResume(op) && (
              <Button
                variant="primary"
                aria-label={`Resume ${title}`}
                isDisabled={busy}
                onClick={() => void run(() => actions.resume(op))}
              >
                Resume
              </Button>
            )}
            {canRollBack(op) && (
              <Button
                variant="danger"
                aria-label={`Roll back ${title}`}
                isDisabled={busy}
                onClick={() => setConfirming(true)}
              >
                Roll back
              </Button>
            )}
          </Flex>
        </CardFooter>
      )}
      <Modal
        isOpen={confirming}
        variant="medium"
        aria-labelledby={confirmTitleId}
        onClose={() => setConfirming(false)}
      >
        <ModalHeader title={`Roll back ${title}?`} labelId={confirmTitleId} />
        <ModalBody>
          <p>
            {op.kind === 'delete'
              ? `This undoes what the journal of this delete records, as far as it can.`
              : `This removes every domain, volume and seed this operation created on its hosts. Nodes that were part of ${op.cluster} before it started are kept.`}
          </p>
          {error && (
            <Alert isInline variant="danger" role="alert" title="Roll back failed">
              {error}
            </Alert>
          )}
        </ModalBody>
        <ModalFooter>
          <Button
            variant="danger"
            isDisabled={busy}
            onClick={() => void run(() => actions.rollBack(op))}
          >
            {busy ? 'Rolling back…' : 'Roll back'}
          </Button>
          <Button variant="link" onClick={() => setConfirming(false)}>
            Keep it
          </Button>
        </ModalFooter>
      </Modal>
    </Card>
  );
}
