import { Alert, Button, Content, Flex, Label, Title } from '@patternfly/react-core';
import { SyncAltIcon } from '@patternfly/react-icons';
import { Table, Tbody, Td, Th, Thead, TreeRowWrapper, Tr } from '@patternfly/react-table';
import { useCallback, useEffect, useState } from 'react';
import type { Vm } from '../../../api/inventory-api';
import type { Snapshot } from '../../../api/snapshots-api';
import { errorMessage } from '../../app/notifications';
import { TimeAgo } from '../../app/time-ago';
import { DeleteDialog } from './delete-dialog';
import { NameDialog } from './name-dialog';
import { RevertDialog } from './revert-dialog';
import { RowActions } from './row-actions';
import { snapshotRows, visibleRows, type SnapshotRow } from './snapshot-tree';
import { heldState } from './snapshot-text';
import { followTask, hasEnded } from './task-follow';
import { useVmOpsClient } from './vm-ops-client';

type Dialog =
  { kind: 'take' } | { kind: 'revert'; row: SnapshotRow } | { kind: 'delete'; row: SnapshotRow };

/**
 * A VM's snapshots as a tree (the current one marked "current"), each with its creation time and
 * the state it holds; take one, revert to one (after the server said whether that can go ahead),
 * delete one or it with its descendants. Each starts a task; the tree is read again when a task
 * on this VM ends.
 */
export function SnapshotsPanel({ vm }: { vm: Vm }) {
  const client = useVmOpsClient();
  const [list, setList] = useState<Snapshot[]>();
  const [error, setError] = useState<string>();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog>();
  const ref = { hostId: vm.hostId, uuid: vm.uuid };
  const { hostId, uuid } = ref;
  const inCluster = vm.membership !== undefined;

  const load = useCallback(() => {
    client.snapshots.list({ hostId, uuid }).then(
      (l) => {
        setList(l);
        setError(undefined);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [client, hostId, uuid]);

  useEffect(() => {
    load();
    // Another window (or a cluster checkpoint) may change the tree: read it after such a task.
    const sub = client.tasks.onChanged((task) => {
      if (hasEnded(task) && task.targets.some((t) => t.kind === 'vm' && t.uuid === uuid)) load();
      else if (hasEnded(task) && inCluster && task.kind.startsWith('checkpoint-')) load();
    });
    return () => sub.dispose();
  }, [client, load, uuid, inCluster]);

  const rows = snapshotRows(list ?? []);
  const shown = visibleRows(rows, collapsed);
  const usable = !vm.stale;
  const toggle = (name: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  const started = (task: Parameters<typeof followTask>[1]) => followTask(client, task, load);

  return (
    <section aria-labelledby={`snapshots-${vm.uuid}`} data-testid="vm-snapshots">
      <Flex
        alignItems={{ default: 'alignItemsCenter' }}
        justifyContent={{ default: 'justifyContentSpaceBetween' }}
      >
        <Title headingLevel="h3" size="md" id={`snapshots-${vm.uuid}`}>
          Snapshots
        </Title>
        <Flex gap={{ default: 'gapSm' }}>
          <Button
            variant="secondary"
            size="sm"
            isDisabled={!usable}
            aria-label={`Take a snapshot of ${vm.name}`}
            onClick={() => setDialog({ kind: 'take' })}
          >
            Take snapshot
          </Button>
          <Button
            variant="plain"
            size="sm"
            aria-label={`Refresh the snapshots of ${vm.name}`}
            icon={<SyncAltIcon />}
            onClick={load}
          />
        </Flex>
      </Flex>
      {error && (
        <Alert isInline variant="danger" title="Could not read the snapshots">
          {error}
        </Alert>
      )}
      {list?.length === 0 && <Content component="p">No snapshots yet.</Content>}
      {rows.length > 0 && (
        <Table isTreeTable variant="compact" aria-label={`Snapshots of ${vm.name}`}>
          <Thead>
            <Tr>
              <Th>Name</Th>
              <Th>Holds</Th>
              <Th>Created</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {shown.map((row, i) => {
              const s = row.snapshot;
              const open = !collapsed.has(s.name);
              const treeProps = {
                isExpanded: open,
                'aria-level': row.level,
                'aria-posinset': row.posInSet,
                // PatternFly draws the toggle when this counts children.
                'aria-setsize': row.children,
                toggleAriaLabel: `${open ? 'Collapse' : 'Expand'} ${s.name}`,
              };
              return (
                <TreeRowWrapper
                  key={s.name}
                  row={{ props: treeProps }}
                  data-testid={`snapshot-${s.name}`}
                >
                  <Td
                    dataLabel="Name"
                    treeRow={{ onCollapse: () => toggle(s.name), rowIndex: i, props: treeProps }}
                  >
                    <span className="mono">{s.name}</span>{' '}
                    {s.current && (
                      <Label isCompact color="blue" data-testid={`snapshot-${s.name}-current`}>
                        current
                      </Label>
                    )}
                    {s.checkpoint && (
                      <Content component="small"> (checkpoint {s.checkpoint})</Content>
                    )}
                    {s.description && (
                      <Content component="small" className="snapshot-description">
                        {s.description}
                      </Content>
                    )}
                  </Td>
                  <Td dataLabel="Holds" data-testid={`snapshot-${s.name}-state`}>
                    {heldState(s)}
                    {s.vcpus !== undefined ? ` · ${s.vcpus} vCPU` : ''}
                  </Td>
                  <Td dataLabel="Created">
                    <TimeAgo when={s.createdAt} />
                  </Td>
                  <Td dataLabel="Actions" isActionCell>
                    <RowActions
                      label={`Actions for snapshot ${s.name}`}
                      actions={[
                        {
                          label: 'Revert…',
                          isDisabled: !usable,
                          onClick: () => setDialog({ kind: 'revert', row }),
                        },
                        {
                          label: 'Delete…',
                          isDanger: true,
                          isDisabled: !usable,
                          onClick: () => setDialog({ kind: 'delete', row }),
                        },
                      ]}
                    />
                  </Td>
                </TreeRowWrapper>
              );
            })}
          </Tbody>
        </Table>
      )}
      {dialog?.kind === 'take' && (
        <NameDialog
          title={`Take a snapshot of ${vm.name}`}
          what="snapshot"
          taken={(list ?? []).map((s) => s.name)}
          memory={{ running: vm.state === 'running' || vm.state === 'paused' }}
          submitLabel="Take snapshot"
          start={async (r) => started(await client.snapshots.create({ ...ref, ...r }))}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'revert' && (
        <RevertDialog
          title={`Revert ${vm.name} to ${dialog.row.snapshot.name}?`}
          intro={`${vm.name} goes back to ${dialog.row.snapshot.name} (${heldState(dialog.row.snapshot)}); what changed since is lost.`}
          check={() => client.snapshots.checkRevert({ ...ref, name: dialog.row.snapshot.name })}
          chooseStart={dialog.row.snapshot.withMemory}
          revert={async (startAs) =>
            started(
              await client.snapshots.revert({ ...ref, name: dialog.row.snapshot.name, startAs }),
            )
          }
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteDialog
          title={`Delete snapshot ${dialog.row.snapshot.name}?`}
          intro={`The snapshot ${dialog.row.snapshot.name} of ${vm.name} is removed from its host; the VM itself is not changed.`}
          descendants={dialog.row.descendants}
          remove={async (withChildren) =>
            started(
              await client.snapshots.remove({
                ...ref,
                name: dialog.row.snapshot.name,
                withChildren,
              }),
            )
          }
          onClose={() => setDialog(undefined)}
        />
      )}
    </section>
  );
}
