import { useId, useState } from 'react';
import type { Cluster, Operation } from '../../../api/clusters-api';
import { ModalDialog } from '../../app/modal-dialog';
import type { ClustersViewClient } from './clusters-client';
import { confirmDomains, deleteTargets } from './delete-targets';

/**
 * Delete a cluster: names every domain and volume to be removed on each host, and asks for the
 * cluster's name typed out before it sends `confirm` = the domain names.
 */
export function DeleteClusterDialog({
  client,
  cluster,
  hostNames,
  onStarted,
  onCancel,
}: {
  client: ClustersViewClient;
  cluster: Cluster;
  hostNames: ReadonlyMap<string, string>;
  onStarted: (op: Operation) => void;
  onCancel: () => void;
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const id = useId();
  const targets = deleteTargets(cluster, hostNames);
  const matches = typed.trim() === cluster.name;

  const remove = async () => {
    if (!matches) return;
    setBusy(true);
    setError(undefined);
    try {
      onStarted(
        await client.clusters.remove({ cluster: cluster.name, confirm: confirmDomains(cluster) }),
      );
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <ModalDialog wide title={`Delete ${cluster.name}?`} onCancel={onCancel}>
      <p>This removes, for good:</p>
      {targets.length === 0 && <p className="muted">Nothing is recorded on any online host.</p>}
      {targets.map((t) => (
        <section key={t.hostId} aria-label={`To remove on ${t.host}`} className="clusters-targets">
          <h3>On {t.host}</h3>
          <p>Domains:</p>
          <ul aria-label={`Domains on ${t.host}`}>
            {t.domains.map((d) => (
              <li key={d}>
                <code>{d}</code>
              </li>
            ))}
          </ul>
          <p>Volumes:</p>
          <ul aria-label={`Volumes on ${t.host}`}>
            {t.volumes.map((v) => (
              <li key={v}>
                <code>{v}</code>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <label className="clusters-field">
        <span>
          Type <strong>{cluster.name}</strong> to confirm
        </span>
        <input
          value={typed}
          aria-describedby={`${id}-hint`}
          autoComplete="off"
          onChange={(e) => setTyped(e.target.value)}
        />
      </label>
      <p id={`${id}-hint`} className="muted">
        The base images stay.
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
          disabled={!matches || busy}
          onClick={() => void remove()}
        >
          {busy ? 'Deleting…' : 'Delete cluster'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
