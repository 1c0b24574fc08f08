import {
  Alert,
  Button,
  Content,
  Form,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from '@patternfly/react-core';
import { useId, useState } from 'react';
import {
  clustersApi,
  type Cluster,
  type ClusterPreview,
  type Operation,
} from '../../../api/clusters-api';
import { errorKey } from './cluster-form';
import type { ClustersViewClient } from './clusters-client';
import {
  initialPlacement,
  placementChoice,
  toNumber,
  type PlacementFields,
} from './placement-fields';
import { PlacementInputs } from './placement-inputs';
import { PreviewTable } from './preview-table';
import { TextField } from './text-field';

const AddNodesInput = clustersApi.addNodes.input;

/**
 * Grow a cluster: how many nodes and how to place them, a preview, then "Add nodes". Changing an
 * input drops the preview, so what is added is what was previewed. New nodes sign in on their
 * console the way the cluster's first nodes do (core reads that from the nodes' own record).
 */
export function AddNodesDialog({
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
  const [count, setCount] = useState('1');
  const [placement, setPlacement] = useState<PlacementFields>(initialPlacement);
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** The preview and the inputs it was made for. */
  const [previewed, setPreviewed] = useState<{ key: string; preview: ClusterPreview }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const titleId = useId();

  const key = JSON.stringify({ count, placement });
  const preview = previewed?.key === key ? previewed.preview : undefined;

  const input = () => {
    const n = toNumber(count);
    const parsed = AddNodesInput.safeParse({
      cluster: cluster.name,
      count: Number.isInteger(n) ? n : Number.NaN,
      placement: placementChoice(placement),
    });
    if (parsed.success) {
      setErrors({});
      return parsed.data;
    }
    const next: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] === 'count' ? 'count' : errorKey(issue.path);
      next[key] ??= /NaN|expected number/.test(issue.message)
        ? 'enter a whole number'
        : issue.message;
    }
    setErrors(next);
    return undefined;
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
    } catch (err) {
      setFailure((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const doPreview = () => {
    const request = input();
    if (!request) return;
    void run(async () => {
      setPreviewed(undefined);
      setPreviewed({ key, preview: await client.clusters.previewAddNodes(request) });
    });
  };
  const doAdd = () => {
    const request = input();
    if (!request || !preview) return;
    // The preview's plan id: core adds exactly the nodes shown, not a new plan.
    void run(async () =>
      onStarted(await client.clusters.addNodes({ ...request, planId: preview.planId })),
    );
  };
  const invalidate = () => {
    setPreviewed(undefined);
    setFailure(undefined);
  };

  return (
    <Modal isOpen variant="large" aria-labelledby={titleId} onClose={onCancel}>
      <ModalHeader title={`Add nodes to ${cluster.name}`} labelId={titleId} />
      <ModalBody>
        <Form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            doPreview();
          }}
        >
          <Content component="p">
            New nodes get the cluster&apos;s shape, image and console sign-in; /etc/hosts, the MPI
            hostfile and known_hosts are rewritten on every node.
          </Content>
          <TextField
            numeric
            label="Nodes to add"
            value={count}
            error={errors.count}
            onChange={(v) => {
              setCount(v);
              invalidate();
            }}
          />
          <PlacementInputs
            value={placement}
            errors={errors}
            onChange={(v) => {
              setPlacement(v);
              invalidate();
            }}
          />
          {failure && (
            <Alert isInline variant="danger" role="alert" title="The request failed">
              {failure}
            </Alert>
          )}
          {preview && <PreviewTable preview={preview} hostNames={hostNames} />}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button variant="secondary" isDisabled={busy} onClick={doPreview}>
          Preview
        </Button>
        <Button variant="primary" isDisabled={busy || !preview} onClick={doAdd}>
          Add nodes
        </Button>
        <Button variant="link" onClick={onCancel}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
