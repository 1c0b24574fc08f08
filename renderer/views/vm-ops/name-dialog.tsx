import { Alert, Form, Switch } from '@patternfly/react-core';
import { useId, useState } from 'react';
import { TextField } from '../clusters/text-field';
import { OpDialog, Refusal, useSend } from './op-dialog';
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
  const baseId = useId();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [withMemory, setWithMemory] = useState(true);
  const [errors, setErrors] = useState<{ name?: string; description?: string }>({});
  const { busy, failure, send } = useSend();
  const running = memory?.running ?? false;

  const submit = () => {
    if (busy) return;
    const found = { name: nameProblem(name, taken), description: descriptionProblem(description) };
    setErrors(found);
    if (found.name || found.description) return;
    const request = {
      name: name.trim(),
      description: description.trim() || undefined,
      withMemory: running && withMemory,
    };
    send(() => start(request), onClose);
  };

  return (
    <OpDialog title={title} action={submitLabel} busy={busy} onAction={submit} onClose={onClose}>
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
            id={`${baseId}-memory`}
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
        <Refusal title={`The ${what} was refused`} failure={failure} />
        <button type="submit" hidden />
      </Form>
    </OpDialog>
  );
}
