import {
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  CardTitle,
  Content,
  Flex,
  Label,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { Cluster } from '../../../api/clusters-api';
import { openConsole } from '../../console/console-store';
import { programDropProps } from '../jobs/program-drop';
import { CheckpointsPanel } from '../vm-ops/checkpoints-panel';
import { ClusterResizeButton } from '../vm-ops/resize-buttons';

/**
 * Every cluster the caller may see with its nodes (name, host, address, state as text, and a way
 * into each node's serial console); the owner for the administrator, who sees everyone's.
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
            <Card
              component="article"
              aria-labelledby={`cluster-${c.name}-title`}
              data-testid={`cluster-${c.name}`}
              // A program dropped on the card runs on the cluster (the run dialog opens).
              {...programDropProps(c.name)}
            >
              <CardHeader>
                <Flex alignItems={{ default: 'alignItemsCenter' }}>
                  <CardTitle component="h3" id={`cluster-${c.name}-title`}>
                    {c.name}
                  </CardTitle>
                  <Content component="small">
                    {c.nodes.length} {c.nodes.length === 1 ? 'node' : 'nodes'}
                  </Content>
                  {showOwner && (
                    <span data-testid={`cluster-${c.name}-owner`}>
                      Owner: {c.ownerName ?? c.ownerId}
                    </span>
                  )}
                  {busy && <Label color="blue">operation under way</Label>}
                </Flex>
              </CardHeader>
              <CardBody>
                <Table role="table" variant="compact" aria-label={`Nodes of ${c.name}`}>
                  <Thead>
                    <Tr>
                      <Th>Node</Th>
                      <Th>Host</Th>
                      <Th>Address</Th>
                      <Th>State</Th>
                      <Th screenReaderText="Console" />
                    </Tr>
                  </Thead>
                  <Tbody>
                    {[...c.nodes]
                      .sort((a, b) => a.index - b.index)
                      .map((n) => (
                        <Tr key={n.name} data-testid={`node-${n.name}`}>
                          <Th scope="row" dataLabel="Node">
                            {n.name}
                          </Th>
                          <Td dataLabel="Host" data-testid={`node-${n.name}-host`}>
                            {hostNames.get(n.hostId) ?? n.hostId}
                          </Td>
                          <Td dataLabel="Address">{n.addresses.join(', ')}</Td>
                          <Td dataLabel="State" data-testid={`node-${n.name}-state`}>
                            {n.state}
                          </Td>
                          <Td dataLabel="Console" isActionCell>
                            {n.uuid && (
                              <Button
                                variant="link"
                                isInline
                                aria-label={`Open console of ${n.name}`}
                                onClick={() =>
                                  openConsole({ hostId: n.hostId, uuid: n.uuid!, name: n.name })
                                }
                              >
                                Console
                              </Button>
                            )}
                          </Td>
                        </Tr>
                      ))}
                  </Tbody>
                </Table>
                <CheckpointsPanel cluster={c.name} busy={busy} />
              </CardBody>
              <CardFooter>
                <Flex>
                  <Button variant="secondary" isDisabled={busy} onClick={() => onAddNodes(c)}>
                    Add nodes to {c.name}
                  </Button>
                  <ClusterResizeButton cluster={c.name} busy={busy} />
                  <Button variant="danger" isDisabled={busy} onClick={() => onDelete(c)}>
                    Delete {c.name}
                  </Button>
                </Flex>
              </CardFooter>
            </Card>
          </li>
        );
      })}
    </ul>
  );
}
