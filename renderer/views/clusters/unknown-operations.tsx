import { useEffect, useState } from 'react';
import type { UnknownOperation } from '../../../api/clusters-api';
import type { ClustersViewClient } from './clusters-client';

interface Props {
  client: ClustersViewClient;
  hostNames: ReadonlyMap<string, string>;
  /** Changes when clusters may have changed (read the list again). */
  version: string;
  /** After an adopt or delete: the clusters list changed. */
  onChanged(): void;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Administrator only: domains tagged with an operation this Corral does not know (another
 * Corral's, or from before a lost journal). Adopt makes them an ordinary cluster here; Delete
 * removes them and their own disks. Shows nothing when there is nothing to list.
 */
export function UnknownOperations({ client, hostNames, version, onChanged }: Props) {
  const [groups, setGroups] = useState<UnknownOperation[]>([]);
  const [busy, setBusy] = useState<string>();
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<string>();
  const [manual, setManual] = useState(0);

  useEffect(() => {
    let live = true;
    client.clusters.listUnknown({}).then(
      (list) => live && setGroups(list),
      (err) => live && setError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [client, version, manual]);

  const act = async (g: UnknownOperation, what: 'adopt' | 'delete') => {
    setBusy(g.operation);
    setError(undefined);
    try {
      if (what === 'adopt') {
        await client.clusters.adoptUnknown({ operation: g.operation });
        setNote(`Adopted cluster ${g.cluster}.`);
      } else {
        const r = await client.clusters.removeUnknown({ operation: g.operation });
        const left = r.leftAlone.length > 0 ? ` Left alone: ${r.leftAlone.join('; ')}.` : '';
        setNote(`Deleted: ${r.removed.join(', ') || 'nothing'}.${left}`);
      }
      onChanged();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(undefined);
      setManual((n) => n + 1);
    }
  };

  if (groups.length === 0 && !note && !error) return null;
  return (
    <section aria-labelledby="clusters-unknown-title" className="clusters-interrupted">
      <h2 id="clusters-unknown-title">Domains of unknown operations</h2>
      <p>
        These domains carry Corral metadata of an operation this Corral did not run (another Corral,
        or a lost journal). Adopt one to manage it as a cluster here, or delete it with its own
        disks.
      </p>
      {note && <p role="status">{note}</p>}
      {error && <p role="alert">{error}</p>}
      {groups.length > 0 && (
        <table className="clusters-table" aria-label="Domains of unknown operations">
          <thead>
            <tr>
              <th scope="col">Cluster</th>
              <th scope="col">Operation</th>
              <th scope="col">Domains</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.operation} data-testid={`unknown-${g.operation}`}>
                <td>{g.cluster}</td>
                <td>{g.operation}</td>
                <td>
                  {g.nodes
                    .map((n) => `${n.name} on ${hostNames.get(n.hostId) ?? n.hostId}`)
                    .join(', ')}
                </td>
                <td>
                  <button
                    type="button"
                    aria-label={`Adopt ${g.cluster} (${g.operation})`}
                    disabled={busy !== undefined}
                    onClick={() => void act(g, 'adopt')}
                  >
                    Adopt
                  </button>{' '}
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete ${g.cluster} (${g.operation})`}
                    disabled={busy !== undefined}
                    onClick={() => void act(g, 'delete')}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
