import {
  Alert,
  Button,
  Content,
  EmptyState,
  EmptyStateBody,
  Flex,
  PageSection,
  Spinner,
  Stack,
  Title,
} from '@patternfly/react-core';
import { CubesIcon, SyncAltIcon } from '@patternfly/react-icons';
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
 * Clusters: interrupted operations first (resume or roll back), the "New cluster" wizard
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
    <PageSection aria-labelledby="view-title" className="clusters-view">
      <Stack hasGutter>
        <Flex
          className="clusters-header"
          alignItems={{ default: 'alignItemsCenter' }}
          justifyContent={{ default: 'justifyContentSpaceBetween' }}
        >
          <Title headingLevel="h1" id="view-title">
            Clusters
          </Title>
          <Flex>
            <Button variant="primary" isDisabled={creating} onClick={() => setCreating(true)}>
              New cluster
            </Button>
            <Button
              variant="secondary"
              icon={<SyncAltIcon />}
              onClick={() => {
                refresh();
                setRefreshes((n) => n + 1);
              }}
            >
              Refresh
            </Button>
          </Flex>
        </Flex>

        {interrupted.length > 0 && (
          <section className="clusters-interrupted" aria-labelledby="clusters-interrupted-title">
            <Title headingLevel="h2" id="clusters-interrupted-title">
              Interrupted operations
            </Title>
            <Content component="p">
              Corral stopped while these ran. Resume each from its journal, or roll it back to
              remove what it created.
            </Content>
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
          <Title headingLevel="h2" id="clusters-ops-title">
            Operations
          </Title>
          {opsError && (
            <Alert isInline variant="danger" role="alert" title="Could not load the operations">
              {opsError}. Check that you are still signed in, then choose Refresh.
            </Alert>
          )}
          {shown.length === 0 && !opsError && (
            <Content component="p" className="clusters-muted">
              No operations yet.
            </Content>
          )}
          {shown.map((op) => (
            <OperationCard key={op.id} op={op} hostNames={hosts.names} actions={actions} />
          ))}
        </section>

        <section aria-labelledby="clusters-list-title">
          <Title headingLevel="h2" id="clusters-list-title">
            Your clusters
          </Title>
          {clustersError && (
            <Alert isInline variant="danger" role="alert" title="Could not load the clusters">
              {clustersError}. Check under Hosts that your hosts are online, then choose Refresh.
            </Alert>
          )}
          {!clusters && !clustersError && (
            <Flex alignItems={{ default: 'alignItemsCenter' }}>
              <Spinner size="md" aria-label="Loading clusters" />
              <Content component="p">Loading the clusters from your hosts…</Content>
            </Flex>
          )}
          {clusters?.length === 0 && (
            <EmptyState titleText="No clusters yet" headingLevel="h3" icon={CubesIcon}>
              <EmptyStateBody>
                Choose “New cluster” above: name the cluster, pick a base image and the network its
                nodes join, preview where the nodes land across your hosts, then create it.
              </EmptyStateBody>
            </EmptyState>
          )}
          {clusters && clusters.length > 0 && (
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
      </Stack>
    </PageSection>
  );
}
