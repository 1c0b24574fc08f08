import type { Cluster } from '../../../api/clusters-api';

/**
 * Every cluster the caller may see with its nodes (name, host, address, state as text); the owner
 * for the administrator, who sees everyone's.
 */
export function ClustersList({
  clusters,
  hostNames,
  showOwner,
  busyClusters,
  onAddNodes,
  onDelete,
}: {
  clusters: readonly Cluster[];
  hostNames: ReadonlyMap<string, string>;
  showOwner: boolean;
  /** Clusters with an operation under way: their buttons wait. */
  busyClusters: ReadonlySet<string>;
  onAddNodes: (cluster: Cluster) => void;
  onDelete: (cluster: Cluster) => void;
}) {
  return (
    <ul className="clusters-list" aria-label="Clusters">
      {clusters.map((c) => {
        const busy = busyClusters.has(c.name);
        return (
          <li key={c.name}>
            <article aria-labelledby={`cluster-${c.name}-title`} data-testid={`cluster-${c.name}`}>
              <header className="clusters-card-head">
                <h3 id={`cluster-${c.name}-title`}>{c.name}</h3>
                <span className="muted">
                  {c.nodes.length} {c.nodes.length === 1 ? 'node' : 'nodes'}
                </span>
                {showOwner && (
                  <span data-testid={`cluster-${c.name}-owner`}>
                    Owner: {c.ownerName ?? c.ownerId}
                  </span>
                )}
                {busy && <span className="muted">operation under way</span>}
              </header>
              <table className="clusters-table" aria-label={`Nodes of ${c.name}`}>
                <thead>
                  <tr>
                    <th scope="col">Node</th>
                    <th scope="col">Host</th>
                    <th scope="col">Address</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {[...c.nodes]
                    .sort((a, b) => a.index - b.index)
                    .map((n) => (
                      <tr key={n.name} data-testid={`node-${n.name}`}>
                        <th scope="row">{n.name}</th>
                        <td data-testid={`node-${n.name}-host`}>
                          {hostNames.get(n.hostId) ?? n.hostId}
                        </td>
                        <td>{n.addresses.join(', ')}</td>
                        <td data-testid={`node-${n.name}-state`}>{n.state}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
              <div className="clusters-actions">
                <button type="button" disabled={busy} onClick={() => onAddNodes(c)}>
                  Add nodes to {c.name}
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => onDelete(c)}
                >
                  Delete {c.name}
                </button>
              </div>
            </article>
          </li>
        );
      })}
    </ul>
  );
}
