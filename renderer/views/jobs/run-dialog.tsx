import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Progress,
  TextArea,
} from '@patternfly/react-core';
import { useEffect, useId, useMemo, useState } from 'react';
import type { Program } from '../../../api/jobs-api';
import { useClient } from '../../app/client-context';
import { dialogLayer } from '../../app/dialog-layer';
import { errorMessage } from '../../app/notifications';
import { FieldHelp, TextField } from '../clusters/text-field';
import { formatBytes, progressPercent, progressText } from '../images/upload-progress';
import { jobsClientOf, type JobsClient } from './jobs-client';
import { useJobsStore, type RunRequest } from './jobs-store';
import { programLabel, uploadHeader } from './program-files';
import {
  EMPTY_RUN_FORM,
  formFromRun,
  runFromForm,
  type RunFormField,
  type RunFormValues,
} from './run-form';
import { uploadProgram } from './upload-program';

/** The one run dialog, opened by a program drop anywhere or by Re-run in the history. */
export function RunDialogHost() {
  const run = useJobsStore((s) => s.run);
  const client = useClient();
  const jobsClient = useMemo(() => jobsClientOf(client), [client]);
  if (!run) return null;
  return <RunDialog key={run.nonce} request={run} client={jobsClient} />;
}

type Upload =
  | { state: 'uploading'; received: number }
  | { state: 'staged'; program: Program }
  | { state: 'failed'; message: string };

/** Uploads the dropped program as soon as the dialog opens (the user fills the form meanwhile). */
function useProgramUpload(request: RunRequest, client: JobsClient) {
  // The request is fixed for the dialog's life (it is keyed by it).
  const [header] = useState(() =>
    request.kind === 'program'
      ? uploadHeader(
          request.cluster,
          request.files.map((f) => ({ path: f.path, size: f.file.size })),
        )
      : undefined,
  );
  const [upload, setUpload] = useState<Upload>(() =>
    header && !header.ok
      ? { state: 'failed', message: header.problem }
      : { state: 'uploading', received: 0 },
  );
  useEffect(() => {
    if (request.kind !== 'program' || !header?.ok) return;
    let live = true;
    const handle = uploadProgram(
      client,
      header.header,
      request.files,
      (received) =>
        live && setUpload((u) => (u.state === 'uploading' ? { state: 'uploading', received } : u)),
    );
    handle.done.then(
      (program) => live && setUpload({ state: 'staged', program }),
      (err: unknown) => live && setUpload({ state: 'failed', message: errorMessage(err) }),
    );
    return () => {
      live = false;
      handle.cancel();
    };
  }, [request, client, header]);
  return upload;
}

function RunDialog({ request, client }: { request: RunRequest; client: JobsClient }) {
  const titleId = useId();
  const close = useJobsStore((s) => s.closeRun);
  const put = useJobsStore((s) => s.put);
  const openJob = useJobsStore((s) => s.openJob);
  const upload = useProgramUpload(request, client);
  const [form, setForm] = useState<RunFormValues>(() =>
    request.kind === 'rerun' ? formFromRun(request.job.run) : EMPTY_RUN_FORM,
  );
  const [errors, setErrors] = useState<Partial<Record<RunFormField, string>>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const set = <K extends RunFormField>(field: K, value: RunFormValues[K]) =>
    setForm((f) => ({ ...f, [field]: value }));

  const cluster = request.kind === 'program' ? request.cluster : request.job.cluster;
  const name =
    request.kind === 'program'
      ? programLabel(request.files.map((f) => f.path))
      : request.job.program.name;
  const title =
    request.kind === 'program' ? `Run ${name} on ${cluster}` : `Run ${name} again on ${cluster}`;
  const totalBytes =
    request.kind === 'program' ? request.files.reduce((n, f) => n + f.file.size, 0) : 0;
  const ready = request.kind === 'rerun' || upload.state === 'staged';

  const start = () => {
    const checked = runFromForm(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    setFailure(undefined);
    const call =
      request.kind === 'rerun'
        ? client.jobs.rerun({ id: request.job.id, run: checked.run })
        : upload.state === 'staged'
          ? client.jobs.start({ cluster, programId: upload.program.programId, run: checked.run })
          : Promise.reject(new Error('the program is not uploaded yet'));
    call.then(
      (job) => {
        put(job);
        close();
        openJob(job.id);
      },
      (err: unknown) => {
        setFailure(errorMessage(err));
        setBusy(false);
      },
    );
  };

  return (
    <Modal
      isOpen
      variant="medium"
      aria-labelledby={titleId}
      onClose={close}
      appendTo={dialogLayer}
      data-testid="job-run-dialog"
    >
      <ModalHeader title={title} labelId={titleId} />
      <ModalBody>
        {request.kind === 'program' && (
          <UploadStatus upload={upload} total={totalBytes} files={request.files.length} />
        )}
        <Form
          aria-label="Run options"
          onSubmit={(e) => {
            e.preventDefault();
            if (ready && !busy) start();
          }}
        >
          <TextField
            label="Ranks"
            numeric
            value={form.ranks}
            error={errors.ranks}
            hint="Empty: one rank per slot of the cluster's hostfile."
            onChange={(v) => set('ranks', v)}
          />
          <TextField
            label="Ranks per node"
            numeric
            value={form.ranksPerNode}
            error={errors.ranksPerNode}
            hint="Empty: as many as each node has slots."
            onChange={(v) => set('ranksPerNode', v)}
          />
          <Checkbox
            id={`${titleId}-oversub`}
            label="Allow more ranks than slots (oversubscribe)"
            isChecked={form.oversubscribe}
            onChange={(_e, v) => set('oversubscribe', v)}
          />
          <LinesField
            label="Arguments, one per line"
            value={form.args}
            error={errors.args}
            hint="Each line is one argument exactly as written: no shell, quotes stay quotes."
            onChange={(v) => set('args', v)}
          />
          <LinesField
            label="Environment variables"
            value={form.env}
            error={errors.env}
            hint="NAME=value, one per line."
            onChange={(v) => set('env', v)}
          />
          <Choice
            label="Map ranks by"
            value={form.mapBy}
            options={['slot', 'node', 'core']}
            error={errors.mapBy}
            onChange={(v) => set('mapBy', v as RunFormValues['mapBy'])}
          />
          <Choice
            label="Bind ranks to"
            value={form.bindTo}
            options={['none', 'core', 'socket']}
            error={errors.bindTo}
            onChange={(v) => set('bindTo', v as RunFormValues['bindTo'])}
          />
          <TextField
            label="Time limit (seconds)"
            numeric
            value={form.timeoutSeconds}
            error={errors.timeoutSeconds}
            hint="Empty: no limit. The job is ended, and says so, when it runs longer."
            onChange={(v) => set('timeoutSeconds', v)}
          />
          <Checkbox
            id={`${titleId}-bindings`}
            label="Report where each rank is bound"
            isChecked={form.reportBindings}
            onChange={(_e, v) => set('reportBindings', v)}
          />
          <Checkbox
            id={`${titleId}-stdin`}
            label="Give rank 0 a standard input"
            isChecked={form.useStdin}
            onChange={(_e, v) => set('useStdin', v)}
          />
          {form.useStdin && (
            <LinesField
              label="Standard input of rank 0"
              value={form.stdin}
              error={errors.stdin}
              onChange={(v) => set('stdin', v)}
            />
          )}
        </Form>
        {failure && (
          <Alert isInline variant="danger" role="alert" title="The job was not started">
            {failure}
          </Alert>
        )}
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" isLoading={busy} isDisabled={busy || !ready} onClick={start}>
          Start job
        </Button>
        <Button variant="link" onClick={close}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function UploadStatus({ upload, total, files }: { upload: Upload; total: number; files: number }) {
  const what = `${files} ${files === 1 ? 'file' : 'files'}, ${formatBytes(total)}`;
  if (upload.state === 'failed') {
    return (
      <Alert isInline variant="danger" role="alert" title="The program was not accepted">
        {upload.message}
      </Alert>
    );
  }
  if (upload.state === 'staged') {
    return (
      <p data-testid="job-upload-status">
        Uploaded: {upload.program.name} ({upload.program.kind}, {what}). Ready to start.
      </p>
    );
  }
  return (
    <div data-testid="job-upload-status">
      <Progress
        value={progressPercent(upload.received, total)}
        title="Uploading the program"
        aria-label="Upload progress"
        measureLocation="outside"
        label={progressText(upload.received, total)}
      />
      <p>Uploading {what}; you can set the run options meanwhile.</p>
    </div>
  );
}

function LinesField({
  label,
  value,
  error,
  hint,
  onChange,
}: {
  label: string;
  value: string;
  error?: string;
  hint?: string;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <FormGroup label={label} fieldId={id}>
      <TextArea
        id={id}
        value={value}
        rows={2}
        resizeOrientation="vertical"
        validated={error ? 'error' : 'default'}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-help` : undefined}
        onChange={(_e, v) => onChange(v)}
      />
      <FieldHelp id={`${id}-help`} error={error} hint={hint} />
    </FormGroup>
  );
}

function Choice({
  label,
  value,
  options,
  error,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  error?: string;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <FormGroup label={label} fieldId={id}>
      <FormSelect id={id} value={value} onChange={(_e, v) => onChange(v)}>
        <FormSelectOption value="" label="mpirun's default" />
        {options.map((o) => (
          <FormSelectOption key={o} value={o} label={o} />
        ))}
      </FormSelect>
      <FieldHelp id={`${id}-help`} error={error} />
    </FormGroup>
  );
}
