import { useId, useRef, useState } from 'react';
import type { HostView } from '../../../api/hosts-api';
import type { StoragePool } from '../../../api/images-api';
import { useClient } from '../../app/client-context';
import { uploadFile, type UploadHandle } from './upload-file';
import { formatFor, progressPercent, progressText, volumeNameFor } from './upload-progress';

/**
 * Uploads a file from this computer as a new base image on one host: host, pool, name, format,
 * the file; then a progress bar with the figures as text and a way to cancel.
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
  const [progress, setProgress] = useState<{ uploaded: number; total: number }>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const running = useRef<UploadHandle | undefined>(undefined);
  const poolsId = useId();

  const hostPools = props.pools.filter((p) => p.hostId === hostId).map((p) => p.name);

  const chooseFile = (f: File | undefined) => {
    setFile(f);
    setDone(undefined);
    if (f) {
      setName(volumeNameFor(f.name));
      setFormat(formatFor(f.name));
    }
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
    try {
      await handle.done;
      setDone(`Uploaded ${name}.`);
      props.onUploaded();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      running.current = undefined;
      setProgress(undefined);
    }
  };

  const busy = progress !== undefined;
  return (
    <form
      aria-label="Upload a base image"
      className="images-form"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <h2>Upload a base image</h2>
      <div className="images-fields">
        <label>
          Host
          <select value={hostId} onChange={(e) => setHostId(e.target.value)} disabled={busy}>
            {online.length === 0 && <option value="">No host online</option>}
            {online.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pool
          <input
            value={pool}
            list={poolsId}
            onChange={(e) => setPool(e.target.value)}
            disabled={busy}
            required
          />
          <datalist id={poolsId}>
            {hostPools.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </label>
        <label>
          Image file
          <input
            type="file"
            onChange={(e) => chooseFile(e.target.files?.[0])}
            disabled={busy}
            required
          />
        </label>
        <label>
          Volume name
          <input value={name} onChange={(e) => setName(e.target.value)} disabled={busy} required />
        </label>
        <label>
          Format
          <select
            value={format}
            onChange={(e) => setFormat(e.target.value as 'qcow2' | 'raw')}
            disabled={busy}
          >
            <option value="qcow2">qcow2</option>
            <option value="raw">raw</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={markAsBase}
            onChange={(e) => setMarkAsBase(e.target.checked)}
            disabled={busy}
          />
          Mark as base image once uploaded
        </label>
      </div>
      <div className="images-actions">
        <button type="submit" disabled={busy || !file || !hostId}>
          Upload
        </button>
        {busy && (
          <button type="button" onClick={() => running.current?.cancel()}>
            Cancel upload
          </button>
        )}
      </div>
      {progress && (
        <div className="images-progress">
          <div
            className="images-progress-track"
            role="progressbar"
            aria-label={`Uploading ${name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progressPercent(progress.uploaded, progress.total)}
            aria-valuetext={progressText(progress.uploaded, progress.total)}
          >
            <div
              className="images-progress-fill"
              style={{ width: `${progressPercent(progress.uploaded, progress.total)}%` }}
            />
          </div>
          <span data-testid="upload-progress-text">
            {progressText(progress.uploaded, progress.total)}
          </span>
        </div>
      )}
      {error && <p role="alert">Upload failed: {error}</p>}
      {done && <p role="status">{done}</p>}
    </form>
  );
}
