import {
  Alert,
  Button,
  Form,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Switch,
} from '@patternfly/react-core';
import { useId, useState } from 'react';
import { dialogLayer } from '../../app/dialog-layer';
import { errorMessage } from '../../app/notifications';
import { TextField } from '../clusters/text-field';
import { descriptionProblem, nameProblem } from './snapshot-names';

/** What the form gives its caller to start the task with. */
export interface NamedRequest {
  name: string;
  description?: string;
  withMemory: boolean;
}

/**
 * Names a new snapshot of a VM or a checkpoint of a cluster: a name checked as the server checks
 * it, an optional one-line description, and for a VM whether its running memory is included.
 * `start` sends the request; its refusal shows in the dialog.
 */
export function NameDialog({
  title,
  what,
  taken,
  memory,
  submitLabel,
  start,
  onClose,
}: {
  title: string;
  /** "snapshot" or "checkpoint", for the texts. */
  what: string;
  taken: readonly string[];
  /** For a VM: whether it runs (memory can only be included then). Absent for a checkpoint. */
  memory?: { running: boolean };
  submitLabel: string;
  start: (request: NamedRequest) => Promise<unknown>;
  onClose: () => void;
}) {
  const titleId = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [withMemory, setWithMemory] = useState(true);
  const [errors, setErrors] = useState<{ name?: string; description?: string }>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const running = memory?.running ?? false;

  const submit = () => {
    if (busy) return;
    const found = { name: nameProblem(name, taken), description: descriptionProblem(description) };
    setErrors(found);
    if (found.name || found.description) return;
    setBusy(true);
    setFailure(undefined);
    start({
      name: name.trim(),
      description: description.trim() || undefined,
      withMemory: running && withMemory,
    }).then(onClose, (err: unknown) => {
      setFailure(errorMessage(err));
      setBusy(false);
    });
  };

  return (
    <Modal
      isOpen
      variant="small"
      aria-labelledby={titleId}
      onClose={onClose}
      appendTo={dialogLayer}
    >
      <ModalHeader title={title} labelId={titleId} />
      <ModalBody>
        <Form
          noValidate
          aria-label={title}
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <TextField
            label="Name"
            value={name}
            error={errors.name}
            hint="Letters, digits, dot, dash and underscore; at most 64 characters."
            onChange={(v) => {
              setName(v);
              setErrors({});
            }}
          />
          <TextField
            label="Description (optional)"
            value={description}
            error={errors.description}
            onChange={(v) => {
              setDescription(v);
              setErrors({});
            }}
          />
          {memory && (
            <Switch
              id={`${titleId}-memory`}
              label="Include the memory (revert returns to the VM running)"
              isChecked={running && withMemory}
              isDisabled={!running}
              onChange={(_e, on) => setWithMemory(on)}
            />
          )}
          {memory && !running && (
            <Alert
              isInline
              isPlain
              variant="info"
              title={`The VM is off: the ${what} holds its disks only.`}
            />
          )}
          {failure && (
            <Alert isInline variant="danger" role="alert" title={`The ${what} was refused`}>
              {failure}
            </Alert>
          )}
          <button type="submit" hidden />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" isLoading={busy} isDisabled={busy} onClick={submit}>
          {submitLabel}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
