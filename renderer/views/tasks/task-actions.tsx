import {
  Button,
  Content,
  Flex,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from '@patternfly/react-core';
import { useId, useState } from 'react';
import type { Task } from '../../../api/tasks-api';
import { dialogLayer } from '../../app/dialog-layer';
import { errorMessage, notify } from '../../app/notifications';
import { useTasksStore } from './task-store';
import type { TasksClient } from './tasks-client';

type Action = 'cancel' | 'resume' | 'rollback';

const VERB: Record<Action, string> = { cancel: 'Cancel', resume: 'Resume', rollback: 'Roll back' };

/** What a confirmation says each destructive action does; resuming only carries on. */
const WARNING: Partial<Record<Action, string>> = {
  cancel: 'It stops at the next safe point and undoes what it has done so far.',
  rollback:
    'This undoes what the task did: what it created is removed, what it changed is put back.',
};

/** The buttons a task's `actions` allow; cancelling and rolling back ask first. */
export function TaskActions({ task, client }: { task: Task; client: TasksClient }) {
  const [asking, setAsking] = useState<Action>();
  const [busy, setBusy] = useState(false);
  const answer = useTasksStore((s) => s.answer);
  const allowed = (['cancel', 'resume', 'rollback'] as const).filter((a) => task.actions[a]);
  if (allowed.length === 0) return null;

  const run = async (action: Action) => {
    setBusy(true);
    try {
      const put = answer(task.id);
      put(await client.tasks[action]({ id: task.id }));
      setAsking(undefined);
    } catch (err) {
      notify({
        variant: 'danger',
        title: `Could not ${VERB[action].toLowerCase()} ${task.title}`,
        detail: errorMessage(err),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex gap={{ default: 'gapSm' }} flexWrap={{ default: 'nowrap' }}>
      {allowed.map((action) => (
        <Button
          key={action}
          variant="secondary"
          isDanger={action !== 'resume'}
          size="sm"
          isDisabled={busy}
          aria-label={`${VERB[action]} ${task.title}`}
          onClick={() => (WARNING[action] ? setAsking(action) : void run(action))}
        >
          {VERB[action]}
        </Button>
      ))}
      {asking && (
        <ConfirmAction
          task={task}
          action={asking}
          busy={busy}
          onConfirm={() => void run(asking)}
          onClose={() => setAsking(undefined)}
        />
      )}
    </Flex>
  );
}

function ConfirmAction(props: {
  task: Task;
  action: Action;
  busy: boolean;
  onConfirm(): void;
  onClose(): void;
}) {
  const { task, action, busy } = props;
  const titleId = useId();
  return (
    <Modal
      isOpen
      variant="small"
      aria-labelledby={titleId}
      onClose={props.onClose}
      appendTo={dialogLayer}
    >
      <ModalHeader title={`${VERB[action]} ${task.title}?`} labelId={titleId} />
      <ModalBody>
        <Content component="p">{WARNING[action]}</Content>
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" onClick={props.onConfirm} isLoading={busy} isDisabled={busy}>
          {VERB[action]}
        </Button>
        <Button variant="link" onClick={props.onClose}>
          Keep it
        </Button>
      </ModalFooter>
    </Modal>
  );
}
