import {
  Alert,
  Button,
  Content,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useId, useState } from 'react';
import type { Cluster, Operation } from '../../../api/clusters-api';
import type { ClustersViewClient } from './clusters-client';
import { confirmDomains, deleteTargets } from './delete-targets';
import { FieldHelp } from './text-field';

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
    <Modal isOpen variant="medium" aria-labelledby={`${id}-title`} onClose={onCancel}>
      <ModalHeader title={`Delete ${cluster.name}?`} labelId={`${id}-title`} />
      <ModalBody>
        <Content component="p">This removes, for good:</Content>
        {targets.length === 0 && (
          <Content component="p">Nothing is recorded on any online host.</Content>
        )}
        {targets.map((t) => (
          <section
            key={t.hostId}
            aria-label={`To remove on ${t.host}`}
            className="clusters-targets"
          >
            <Title headingLevel="h3" size="md">
              On {t.host}
            </Title>
            <Content component="p">Domains:</Content>
            <ul aria-label={`Domains on ${t.host}`}>
              {t.domains.map((d) => (
                <li key={d}>
                  <code>{d}</code>
                </li>
              ))}
            </ul>
            <Content component="p">Volumes:</Content>
            <ul aria-label={`Volumes on ${t.host}`}>
              {t.volumes.map((v) => (
                <li key={v}>
                  <code>{v}</code>
                </li>
              ))}
            </ul>
          </section>
        ))}
        <FormGroup label={`Type ${cluster.name} to confirm`} fieldId={`${id}-confirm`}>
          <TextInput
            id={`${id}-confirm`}
            value={typed}
            autoComplete="off"
            aria-describedby={`${id}-hint`}
            onChange={(_e, v) => setTyped(v)}
          />
          <FieldHelp id={`${id}-hint`} hint="The base images stay." />
        </FormGroup>
        {error && (
          <Alert isInline variant="danger" role="alert" title="The delete could not start">
            {error}
          </Alert>
        )}
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" isDisabled={!matches || busy} onClick={() => void remove()}>
          {busy ? 'Deleting…' : 'Delete cluster'}
        </Button>
        <Button variant="link" onClick={onCancel}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
