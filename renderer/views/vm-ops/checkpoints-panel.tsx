import { Alert, Button, Content, ExpandableSection, Flex } from '@patternfly/react-core';
import { SyncAltIcon } from '@patternfly/react-icons';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useCallback, useEffect, useState } from 'react';
import type { Checkpoint } from '../../../api/snapshots-api';
import { errorMessage } from '../../app/notifications';
import { TimeAgo } from '../../app/time-ago';
import { DeleteDialog } from './delete-dialog';
import { NameDialog } from './name-dialog';
import { RevertDialog } from './revert-dialog';
import { RowActions } from './row-actions';
import { followTask, hasEnded } from './task-follow';
import { useVmOpsClient } from './vm-ops-client';

type Dialog =
  | { kind: 'create' }
  | { kind: 'revert'; checkpoint: Checkpoint }
  | { kind: 'delete'; checkpoint: Checkpoint };

/**
 * A cluster's checkpoints (one snapshot of every node, taken together), read when the section is
 * opened: create one, revert the whole cluster to one (after the server said whether it can go
 * ahead), delete one. Each starts a task; the list is read again when a task on the cluster ends.
 */
export function CheckpointsPanel({ cluster, busy }: { cluster: string; busy: boolean }) {
  const client = useVmOpsClient();
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<Checkpoint[]>();
  const [error, setError] = useState<string>();
  const [dialog, setDialog] = useState<Dialog>();

  const load = useCallback(() => {
    client.checkpoints.list({ cluster }).then(
      (l) => {
        setList(l);
        setError(undefined);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [client, cluster]);

  useEffect(() => {
    if (!open) return;
    load();
    const sub = client.tasks.onChanged((task) => {
      const mine = task.targets.some((t) => t.kind === 'cluster' && t.cluster === cluster);
      if (mine && hasEnded(task)) load();
    });
    return () => sub.dispose();
  }, [client, cluster, load, open]);

  const started = (task: Parameters<typeof followTask>[1]) => followTask(client, task, load);
  const actionsOf = (c: Checkpoint) => [
    {
      label: 'Revert…',
      isDisabled: busy,
      onClick: () => setDialog({ kind: 'revert', checkpoint: c }),
    },
    {
      label: 'Delete…',
      isDanger: true,
      isDisabled: busy,
      onClick: () => setDialog({ kind: 'delete', checkpoint: c }),
    },
  ];

  return (
    <ExpandableSection
      toggleText={`Checkpoints of ${cluster}`}
      isExpanded={open}
      onToggle={(_e, v) => setOpen(v)}
      data-testid={`cluster-${cluster}-checkpoints`}
    >
      <Flex gap={{ default: 'gapSm' }}>
        <Button
          variant="secondary"
          size="sm"
          isDisabled={busy}
          aria-label={`Create a checkpoint of ${cluster}`}
          onClick={() => setDialog({ kind: 'create' })}
        >
          Create checkpoint
        </Button>
        <Button
          variant="plain"
          size="sm"
          aria-label={`Refresh the checkpoints of ${cluster}`}
          icon={<SyncAltIcon />}
          onClick={load}
        />
      </Flex>
      {error && (
        <Alert isInline variant="danger" title="Could not read the checkpoints">
          {error}
        </Alert>
      )}
      {list?.length === 0 && (
        <Content component="p">
          No checkpoints yet. A checkpoint pauses every node together, snapshots them in parallel
          and resumes them together.
        </Content>
      )}
      {list && list.length > 0 && (
        <Table variant="compact" aria-label={`Checkpoints of ${cluster}`}>
          <Thead>
            <Tr>
              <Th>Name</Th>
              <Th>Created</Th>
              <Th>Nodes</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {list.map((c) => (
              <Tr key={c.name} data-testid={`checkpoint-${c.name}`}>
                <Th scope="row" dataLabel="Name">
                  <span className="mono">{c.name}</span>
                  {c.description && <Content component="small"> {c.description}</Content>}
                </Th>
                <Td dataLabel="Created">
                  <TimeAgo when={c.createdAt} />
                </Td>
                <Td dataLabel="Nodes">{c.nodes.map((n) => n.name).join(', ')}</Td>
                <Td dataLabel="Actions" isActionCell>
                  <RowActions label={`Actions for checkpoint ${c.name}`} actions={actionsOf(c)} />
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {dialog?.kind === 'create' && (
        <NameDialog
          title={`Create a checkpoint of ${cluster}`}
          what="checkpoint"
          taken={(list ?? []).map((c) => c.name)}
          submitLabel="Create checkpoint"
          start={async (r) =>
            started(
              await client.checkpoints.create({
                cluster,
                name: r.name,
                description: r.description,
              }),
            )
          }
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'revert' && (
        <RevertDialog
          title={`Revert ${cluster} to ${dialog.checkpoint.name}?`}
          intro={`Every node (${dialog.checkpoint.nodes.map((n) => n.name).join(', ')}) goes back to ${dialog.checkpoint.name} together and resumes; what changed since is lost.`}
          check={() => client.checkpoints.checkRevert({ cluster, name: dialog.checkpoint.name })}
          revert={async () =>
            started(await client.checkpoints.revert({ cluster, name: dialog.checkpoint.name }))
          }
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteDialog
          title={`Delete checkpoint ${dialog.checkpoint.name}?`}
          intro={`The checkpoint ${dialog.checkpoint.name} is removed from every node of ${cluster}; the nodes themselves are not changed.`}
          remove={async () =>
            started(await client.checkpoints.remove({ cluster, name: dialog.checkpoint.name }))
          }
          onClose={() => setDialog(undefined)}
        />
      )}
    </ExpandableSection>
  );
}
