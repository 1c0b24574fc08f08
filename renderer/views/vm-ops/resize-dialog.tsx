import { Alert, Content, Form, Spinner } from '@patternfly/react-core';
import { useEffect, useState } from 'react';
import type { Task } from '../../../api/tasks-api';
import { errorMessage } from '../../app/notifications';
import { TextField } from '../clusters/text-field';
import {
  currentOfCluster,
  fieldHint,
  initialFields,
  resizeRequest,
  type ResizeCurrent,
  type ResizeErrors,
  type ResizeFields,
} from './resize-form';
import { OpDialog, Refusal, useSend } from './op-dialog';
import { followTask } from './task-follow';
import type { VmOpsClient } from './vm-ops-client';

/** What is resized: one VM, or every node of a cluster at once. */
export type ResizeTarget =
  { kind: 'vm'; hostId: string; uuid: string; name: string } | { kind: 'cluster'; cluster: string };

const LABELS: Record<keyof ResizeFields, string> = {
  memoryMiB: 'Memory (MiB)',
  vcpus: 'vCPUs',
  diskGiB: 'Disk (GiB)',
};

/**
 * New memory, vCPUs and disk for a VM or a cluster's nodes, prefilled with the sizes now. Each
 * field says whether its value applies live or at the next boot and what maximum it is held to;
 * a smaller disk, a bad number or more than the host has is refused next to the field before
 * anything is sent, and whatever the server refuses shows in the dialog. Resizing starts a task.
 */
export function ResizeDialog({
  client,
  target,
  current,
  loadError,
  onStarted,
  onClose,
}: {
  client: VmOpsClient;
  target: ResizeTarget;
  /** Undefined while it loads. */
  current?: ResizeCurrent;
  loadError?: string;
  onStarted?: (task: Task) => void;
  onClose: () => void;
}) {
  const [fields, setFields] = useState<ResizeFields>();
  const [errors, setErrors] = useState<ResizeErrors>({});
  const { busy, failure, send } = useSend();
  // The form fills in once the current sizes are known (a cluster's are read when it opens).
  const shown = fields ?? (current ? initialFields(current) : undefined);
  const title =
    target.kind === 'vm' ? `Resize ${target.name}` : `Resize nodes of ${target.cluster}`;

  const submit = () => {
    if (!shown || !current || busy) return;
    const { change, errors: found } = resizeRequest(shown, current);
    setErrors(found);
    if (!change) return;
    send(
      () =>
        target.kind === 'vm'
          ? client.resize.vm({ hostId: target.hostId, uuid: target.uuid, ...change })
          : client.resize.cluster({ cluster: target.cluster, ...change }),
      (task) => {
        followTask(client, task);
        onStarted?.(task);
        onClose();
      },
    );
  };

  return (
    <OpDialog
      title={title}
      action="Resize"
      busy={busy}
      disabled={!shown}
      onAction={submit}
      onClose={onClose}
      testId="resize-dialog"
    >
      {loadError && (
        <Alert isInline variant="danger" title="Could not read the current sizes">
          {loadError}
        </Alert>
      )}
      {!shown && !loadError && <Spinner size="md" aria-label="Reading the current sizes" />}
      {shown && current && (
        <Form
          noValidate
          aria-label={title}
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Content component="p">
            {target.kind === 'cluster'
              ? 'Every node is resized in parallel; nodes added later get the new sizes.'
              : current.running
                ? 'The VM keeps running: changes within its maximums apply live.'
                : 'The VM is off: the new sizes apply when it starts.'}
          </Content>
          {(['memoryMiB', 'vcpus', 'diskGiB'] as const).map((key) => (
            <TextField
              key={key}
              numeric
              label={LABELS[key]}
              value={shown[key]}
              placeholder={
                key === 'diskGiB' && current.diskGiB === undefined ? 'unchanged' : undefined
              }
              error={errors[key]}
              hint={fieldHint(key, shown, current)}
              onChange={(v) => {
                setFields({ ...shown, [key]: v });
                setErrors({});
              }}
            />
          ))}
          {errors.form && (
            <Alert isInline variant="warning" title={errors.form} data-testid="resize-form-error" />
          )}
          <Refusal title="The resize was refused" failure={failure} />
          {/* Enter in a field submits. */}
          <button type="submit" hidden />
        </Form>
      )}
    </OpDialog>
  );
}

/** The resize dialog for a cluster: reads its nodes' sizes (host truth) when it opens. */
export function ClusterResizeDialog({
  client,
  cluster,
  onStarted,
  onClose,
}: {
  client: VmOpsClient;
  cluster: string;
  onStarted?: (task: Task) => void;
  onClose: () => void;
}) {
  const [current, setCurrent] = useState<ResizeCurrent>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    let live = true;
    client.inventory.snapshot({}).then(
      (snap) => {
        if (!live) return;
        const nodes = snap.vms.filter((vm) => vm.membership?.cluster === cluster);
        if (nodes.length === 0) {
          setLoadError(`No node of ${cluster} is on a reachable host.`);
          return;
        }
        const hosts = Object.fromEntries(snap.hosts.map((h) => [h.hostId, h]));
        setCurrent(currentOfCluster(nodes, hosts));
      },
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [client, cluster]);
  return (
    <ResizeDialog
      client={client}
      target={{ kind: 'cluster', cluster }}
      current={current}
      loadError={loadError}
      onStarted={onStarted}
      onClose={onClose}
    />
  );
}
