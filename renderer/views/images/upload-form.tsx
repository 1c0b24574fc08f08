import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  HelperText,
  HelperTextItem,
  Progress,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useId, useRef, useState, type DragEvent } from 'react';
import type { HostView } from '../../../api/hosts-api';
import type { StoragePool } from '../../../api/images-api';
import { useClient } from '../../app/client-context';
import { notifyDropNotAccepted } from '../../app/drop-guard';
import { errorMessage, notify } from '../../app/notifications';
import { uploadDropProblem } from './upload-drop';
import { uploadFile, type UploadHandle } from './upload-file';
import {
  formatBytes,
  formatFor,
  progressPercent,
  progressText,
  volumeNameFor,
} from './upload-progress';

const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

/**
 * Uploads a file from this computer as a new base image on one host: host, pool, name, format,
 * the file (chosen or dropped on the form); then a progress bar with the figures as text and a
 * way to cancel.
 */
export function UploadForm(props: {
  hosts: HostView[];
  pools: StoragePool[];
  onUploaded: () => void;
}) {
  const client = useClient();
  const online = props.hosts.filter((h) => h.status.state === 'online');
  const [chosenHost, setHostId] = useState('');
  // The chosen host while it is online, else the first online one.
  const hostId = online.some((h) => h.id === chosenHost) ? chosenHost : (online[0]?.id ?? '');
  const [pool, setPool] = useState('default');
  const [name, setName] = useState('');
  const [format, setFormat] = useState<'qcow2' | 'raw'>('qcow2');
  const [markAsBase, setMarkAsBase] = useState(false);
  const [file, setFile] = useState<File>();
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<{ uploaded: number; total: number }>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const running = useRef<UploadHandle | undefined>(undefined);
  const fileInput = useRef<HTMLInputElement>(null);
  const id = useId();

  const hostPools = props.pools.filter((p) => p.hostId === hostId).map((p) => p.name);
  const busy = progress !== undefined;

  const chooseFile = (f: File | undefined) => {
    setFile(f);
    setDone(undefined);
    if (f) {
      setName(volumeNameFor(f.name));
      setFormat(formatFor(f.name));
    }
  };

  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    // Taken here either way, so the window's guard does not report it a second time.
    e.preventDefault();
    setDragging(false);
    const item = e.dataTransfer.items?.[0];
    const problem = uploadDropProblem({
      files: e.dataTransfer.files.length,
      isDirectory: item?.webkitGetAsEntry?.()?.isDirectory ?? false,
      busy,
    });
    if (problem) {
      notifyDropNotAccepted(e.dataTransfer.files.length > 0 ? 'file' : 'other', problem);
      return;
    }
    // Show the dropped file in the file field too, as if it had been chosen there.
    if (fileInput.current) fileInput.current.files = e.dataTransfer.files;
    chooseFile(e.dataTransfer.files[0]);
  };

  const start = async () => {
    if (!file) return;
    setError(undefined);
    setDone(undefined);
    setProgress({ uploaded: 0, total: file.size });
    const handle = uploadFile(
      client,
      { hostId, pool, name, format, markAsBase },
      file,
      (uploaded) => setProgress({ uploaded, total: file.size }),
    );
    running.current = handle;
    const host = online.find((h) => h.id === hostId)?.name ?? hostId;
    try {
      await handle.done;
      setDone(`Uploaded ${name}.`);
      notify({
        variant: 'success',
        title: `Uploaded ${name} to ${host}`,
        detail: markAsBase ? 'It is marked as a base image.' : undefined,
      });
      props.onUploaded();
    } catch (err) {
      const message = errorMessage(err);
      setError(message);
      // The user's own cancel needs no second message; a failure does, wherever they are now.
      if ((err as { code?: string }).code !== 'cancelled')
        notify({
          variant: 'danger',
          title: `Upload of ${name} to ${host} failed`,
          detail: `${message}. Nothing was kept on the host; check the pool and the free space, then upload again.`,
        });
    } finally {
      running.current = undefined;
      setProgress(undefined);
    }
  };

  const f = (name: string) => `${id}-${name}`;
  return (
    <Card className="images-upload">
      <CardTitle>
        <Title headingLevel="h2">Upload a base image</Title>
      </CardTitle>
      <CardBody>
        <Form
          aria-label="Upload a base image"
          className={dragging ? 'images-form images-dropping' : 'images-form'}
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
          onDragOver={(e) => {
            if (!carriesFiles(e)) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = busy ? 'none' : 'copy';
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <Grid hasGutter md={6}>
            <GridItem>
              <FormGroup label="Host" fieldId={f('host')}>
                <FormSelect
                  id={f('host')}
                  value={hostId}
                  onChange={(_e, v) => setHostId(v)}
                  isDisabled={busy}
                >
                  {online.length === 0 && <FormSelectOption value="" label="No host online" />}
                  {online.map((h) => (
                    <FormSelectOption key={h.id} value={h.id} label={h.name} />
                  ))}
                </FormSelect>
              </FormGroup>
            </GridItem>
            <GridItem>
              <FormGroup label="Pool" fieldId={f('pool')} isRequired>
                <TextInput
                  id={f('pool')}
                  value={pool}
                  list={f('pools')}
                  onChange={(_e, v) => setPool(v)}
                  isDisabled={busy}
                  isRequired
                />
                <datalist id={f('pools')}>
                  {hostPools.map((p) => (
                    <option key={p} value={p} />
                  ))}
                </datalist>
              </FormGroup>
            </GridItem>
            <GridItem span={12}>
              <FormGroup label="Image file" fieldId={f('file')} isRequired>
                <div className="images-dropzone">
                  <input
                    ref={fileInput}
                    id={f('file')}
                    type="file"
                    onChange={(e) => chooseFile(e.target.files?.[0])}
                    disabled={busy}
                    required
                    aria-describedby={f('file-help')}
                  />
                  <FormHelperText>
                    <HelperText id={f('file-help')}>
                      <HelperTextItem>
                        {file
                          ? `${file.name}, ${formatBytes(file.size)}`
                          : 'Choose a qcow2 or raw disk image, or drop one onto this form.'}
                      </HelperTextItem>
                    </HelperText>
                  </FormHelperText>
                </div>
              </FormGroup>
            </GridItem>
            <GridItem>
              <FormGroup label="Volume name" fieldId={f('name')} isRequired>
                <TextInput
                  id={f('name')}
                  value={name}
                  onChange={(_e, v) => setName(v)}
                  isDisabled={busy}
                  isRequired
                />
              </FormGroup>
            </GridItem>
            <GridItem>
              <FormGroup label="Format" fieldId={f('format')}>
                <FormSelect
                  id={f('format')}
                  value={format}
                  onChange={(_e, v) => setFormat(v as 'qcow2' | 'raw')}
                  isDisabled={busy}
                >
                  <FormSelectOption value="qcow2" label="qcow2" />
                  <FormSelectOption value="raw" label="raw" />
                </FormSelect>
              </FormGroup>
            </GridItem>
            <GridItem span={12}>
              <Checkbox
                id={f('mark')}
                label="Mark as base image once uploaded"
                isChecked={markAsBase}
                onChange={(_e, checked) => setMarkAsBase(checked)}
                isDisabled={busy}
              />
            </GridItem>
          </Grid>
          {progress && (
            <Progress
              aria-label={`Uploading ${name}`}
              value={progressPercent(progress.uploaded, progress.total)}
              valueText={progressText(progress.uploaded, progress.total)}
              measureLocation="outside"
              label={
                <span data-testid="upload-progress-text">
                  {progressText(progress.uploaded, progress.total)}
                </span>
              }
            />
          )}
          {error && (
            <Alert variant="danger" isInline role="alert" title={`Upload failed: ${error}`} />
          )}
          {done && (
            <p role="status" className="images-done">
              {done}
            </p>
          )}
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={busy || !file || !hostId}>
              Upload
            </Button>
            {busy && (
              <Button variant="secondary" onClick={() => running.current?.cancel()}>
                Cancel upload
              </Button>
            )}
          </ActionGroup>
        </Form>
      </CardBody>
    </Card>
  );
}
