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
import { SnapshotName } from '../../../api/snapshots-api';
import { dialogLayer } from '../../app/dialog-layer';
import { errorMessage } from '../../app/notifications';
import { TextField } from '../clusters/text-field';

/** What the form gives its caller to start the task with. */
export interface NamedRequest {
  name: string;
  description?: string;
  withMemory: boolean;
}

/** The name's problem, checked as the contract checks it, plus a clash with an existing one. */
export function nameProblem(name: string, taken: readonly string[]): string | undefined {
  const parsed = SnapshotName.safeParse(name);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'too_small') return 'enter a name';
    if (issue.code === 'too_big') return 'at most 64 characters';
    return 'start with a letter or digit; then letters, digits, dot, dash and underscore only';
  }
  if (taken.includes(parsed.data)) return `${parsed.data} exists already; choose another name`;
  return undefined;
}

/** The description's problem (one line, no control characters, at most 1000 characters). */
export function descriptionProblem(text: string): string | undefined {
  if (text.length > 1000) return 'at most 1000 characters';
  if (/\p{Cc}/u.test(text)) return 'one line, without control characters';
  return undefined;
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
