import { Alert, Button, Content, Flex, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
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
    <PageSection
      aria-labelledby="clusters-unknown-title"
      className="clusters-interrupted"
      padding={{ default: 'noPadding' }}
    >
      <Title headingLevel="h2" id="clusters-unknown-title">
        Domains of unknown operations
      </Title>
      <Content component="p">
        These domains carry Corral metadata of an operation this Corral did not run (another Corral,
        or a lost journal). Adopt one to manage it as a cluster here, or delete it with its own
        disks.
      </Content>
      {note && <Alert isInline isPlain variant="success" role="status" title={note} />}
      {error && (
        <Alert isInline variant="danger" role="alert" title="The request failed">
          {error}
        </Alert>
      )}
      {groups.length > 0 && (
        <Table role="table" variant="compact" aria-label="Domains of unknown operations">
          <Thead>
            <Tr>
              <Th>Cluster</Th>
              <Th>Operation</Th>
              <Th>Domains</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {groups.map((g) => (
              <Tr key={g.operation} data-testid={`unknown-${g.operation}`}>
                <Td dataLabel="Cluster">{g.cluster}</Td>
                <Td dataLabel="Operation">{g.operation}</Td>
                <Td dataLabel="Domains">
                  {g.nodes
                    .map((n) => `${n.name} on ${hostNames.get(n.hostId) ?? n.hostId}`)
                    .join(', ')}
                </Td>
                <Td dataLabel="Actions" isActionCell>
                  <Flex>
                    <Button
                      variant="secondary"
                      aria-label={`Adopt ${g.cluster} (${g.operation})`}
                      isDisabled={busy !== undefined}
                      onClick={() => void act(g, 'adopt')}
                    >
                      Adopt
                    </Button>
                    <Button
                      variant="danger"
                      aria-label={`Delete ${g.cluster} (${g.operation})`}
                      isDisabled={busy !== undefined}
                      onClick={() => void act(g, 'delete')}
                    >
                      Delete
                    </Button>
                  </Flex>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </PageSection>
  );
}
