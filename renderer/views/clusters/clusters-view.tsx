import { useMemo, useState } from 'react';
import type { Cluster, Operation } from '../../../api/clusters-api';
import { AddNodesDialog } from './add-nodes-dialog';
import { useClustersClient } from './clusters-client';
import { ClustersList } from './clusters-list';
import { CreateClusterWizard } from './create-cluster-wizard';
import { DeleteClusterDialog } from './delete-cluster-dialog';
import { imageOptions } from './image-options';
import { OperationCard, type OperationActions } from './operation-card';
import { isActive } from './operation-text';
import { UnknownOperations } from './unknown-operations';
import {
  useClusters,
  useHostNames,
  useImages,
  useIsAdmin,
  useOperations,
} from './use-clusters-data';
import './clusters.css';

type Modal = { kind: 'add'; cluster: string } | { kind: 'delete'; cluster: string };

/** How many finished operations stay listed under "Operations". */
const FINISHED_SHOWN = 8;

/**
 * Clusters (issue 6): interrupted operations first (resume or roll back), the "New cluster" wizard
 * with its placement preview, operations with per-node progress and Cancel, and the clusters with
 * their nodes, "Add nodes" and "Delete".
 */
export function ClustersView() {
  const client = useClustersClient();
  const [creating, setCreating] = useState(false);
  const [modal, setModal] = useState<Modal>();
  const [refreshes, setRefreshes] = useState(0);
  const { ops, error: opsError, put } = useOperations(client);
  // Clusters are read again when an operation ends or a node changes phase.
  const version = ops.map((o) => `${o.id}:${o.status}:${o.nodes.map((n) => n.phase)}`).join('|');
  const { clusters, error: clustersError, refresh } = useClusters(client, version);
  const hosts = useHostNames(client);
  const images = useImages(client, creating);
  const isAdmin = useIsAdmin(client);
  const options = useMemo(() => imageOptions(images.images, hosts.online), [images, hosts]);

  const interrupted = ops.filter((o) => o.status === 'interrupted');
  const others = ops.filter((o) => o.status !== 'interrupted');
  const shown = [
    ...others.filter(isActive),
    ...others.filter((o) => !isActive(o)).slice(0, FINISHED_SHOWN),
  ];
  const busyClusters = new Set(ops.filter((o) => isActive(o)).map((o) => o.cluster));
  const modalCluster = modal && clusters?.find((c) => c.name === modal.cluster);

  const started = (op: Operation) => {
    put(op);
    setModal(undefined);
  };
  const actions: OperationActions = {
    cancel: async (op) => put(await client.operations.cancel({ id: op.id })),
    resume: async (op) => put(await client.operations.resume({ id: op.id })),
    rollBack: async (op) => put(await client.operations.rollback({ id: op.id })),
  };
  const showOwner = isAdmin ?? (clusters ?? []).some((c) => c.ownerName !== undefined);

  return (
    <section aria-labelledby="view-title" className="clusters-view">
      <header className="clusters-header">
        <h1 id="view-title">Clusters</h1>
        {!creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New cluster
          </button>
        )}
        <button
          type="button"
          onClick={() => {
            refresh();
            setRefreshes((n) => n + 1);
          }}
        >
          Refresh
        </button>
      </header>

      {interrupted.length > 0 && (
        <section className="clusters-interrupted" aria-labelledby="clusters-interrupted-title">
          <h2 id="clusters-interrupted-title">Interrupted operations</h2>
          <p>
            Corral stopped while these ran. Resume each from its journal, or roll it back to remove
            what it created.
          </p>
          {interrupted.map((op) => (
            <OperationCard key={op.id} op={op} hostNames={hosts.names} actions={actions} />
          ))}
        </section>
      )}

      {isAdmin && (
        <UnknownOperations
          client={client}
          hostNames={hosts.names}
          version={`${version}#${refreshes}`}
          onChanged={refresh}
        />
      )}

      {creating && (
        <CreateClusterWizard
          client={client}
          images={options}
          imagesError={images.error}
          hostNames={hosts.names}
          onCreated={(op) => {
            put(op);
            setCreating(false);
          }}
          onCancel={() => setCreating(false)}
        />
      )}

      <section aria-labelledby="clusters-ops-title" className="clusters-ops">
        <h2 id="clusters-ops-title">Operations</h2>
        {opsError && <p role="alert">Could not load the operations: {opsError}</p>}
        {shown.length === 0 && !opsError && <p className="muted">No operations yet.</p>}
        {shown.map((op) => (
          <OperationCard key={op.id} op={op} hostNames={hosts.names} actions={actions} />
        ))}
      </section>

      <section aria-labelledby="clusters-list-title">
        <h2 id="clusters-list-title">Your clusters</h2>
        {clustersError && <p role="alert">Could not load the clusters: {clustersError}</p>}
        {!clusters && !clustersError && <p>Loading…</p>}
        {clusters?.length === 0 && (
          <p className="muted">No clusters yet. “New cluster” places one across your hosts.</p>
        )}
        {clusters && (
          <ClustersList
            clusters={clusters}
            hostNames={hosts.names}
            showOwner={showOwner}
            busyClusters={busyClusters}
            onAddNodes={(c: Cluster) => setModal({ kind: 'add', cluster: c.name })}
            onDelete={(c: Cluster) => setModal({ kind: 'delete', cluster: c.name })}
          />
        )}
      </section>

      {modal?.kind === 'add' && modalCluster && (
        <AddNodesDialog
          client={client}
          cluster={modalCluster}
          hostNames={hosts.names}
          onStarted={started}
          onCancel={() => setModal(undefined)}
        />
      )}
      {modal?.kind === 'delete' && modalCluster && (
        <DeleteClusterDialog
          client={client}
          cluster={modalCluster}
          hostNames={hosts.names}
          onStarted={started}
          onCancel={() => setModal(undefined)}
        />
      )}
    </section>
  );
}
