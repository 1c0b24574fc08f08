import {
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Flex,
  FlexItem,
  PageSection,
  Stack,
  StackItem,
  Title,
} from '@patternfly/react-core';
import { ServerIcon } from '@patternfly/react-icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { HostInput } from '../../../api/hosts-api';
import { useClient } from '../../app/client-context';
import { errorMessage, notify } from '../../app/notifications';
import { useIsAdmin } from '../../app/user-context';
import { BalanceAction } from '../balance/balance-action';
import { LoadingState, RequestFailedState } from '../view-states';
import { HostCard } from './host-card';
import { HostForm } from './host-form';
import { RemoveHostDialog, ReplaceKeyDialog, TrustKeyDialog } from './key-dialogs';
import { NetworkPolicyForm } from './network-policy-form';
import { useHosts } from './use-hosts';
import './hosts-view.css';

type Modal =
  | { kind: 'add' }
  | { kind: 'edit'; id: string }
  | { kind: 'trust'; id: string }
  | { kind: 'replace'; id: string }
  | { kind: 'remove'; id: string };

/** Hosts: add, edit, remove, trust keys, and each host's live status as text. */
export function HostsView() {
  const client = useClient();
  // Only the administrator manages hosts; core refuses everyone else anyway.
  const canManage = useIsAdmin();
  const { hosts, loadError, retry } = useHosts();
  const [modal, setModal] = useState<Modal>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  /** A host just added: open the fingerprint dialog as soon as it reports its key. */
  const awaitingKey = useRef<string | undefined>(undefined);

  const close = useCallback(() => {
    setModal(undefined);
    setError(undefined);
  }, []);

  /** Runs a dialog's or form's action: its error stays in the dialog, beside what to fix. */
  const run = async (action: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      if (done) notify({ variant: 'success', title: done });
      close();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const id = awaitingKey.current;
    if (!id || modal) return;
    const host = hosts?.find((h) => h.id === id);
    if (!host || host.status.state === 'connecting') return;
    awaitingKey.current = undefined;
    if (host.status.state === 'key-unknown') setModal({ kind: 'trust', id });
  }, [hosts, modal]);

  const byId = (id: string) => hosts?.find((h) => h.id === id);
  const modalHost = modal && modal.kind !== 'add' ? byId(modal.id) : undefined;

  const submitForm = (input: HostInput) => {
    const editing = modal?.kind === 'edit' ? modal.id : undefined;
    return run(
      async () => {
        const view = editing
          ? await client.hosts.update({ id: editing, host: input })
          : await client.hosts.add(input);
        awaitingKey.current = view.id;
      },
      editing ? `Host ${input.name} saved` : `Host ${input.name} added`,
    );
  };

  const reconnect = (id: string, name: string) =>
    void client.hosts.reconnect({ id }).catch((err: unknown) =>
      notify({
        variant: 'danger',
        title: `Could not reconnect to ${name}`,
        detail: `${errorMessage(err)}. Check the host's address and that it is running, then try again.`,
      }),
    );

  const adding = modal?.kind === 'add';
  const empty = hosts?.length === 0;
  return (
    <PageSection aria-labelledby="view-title" className="hosts-view">
      <Stack hasGutter>
        <StackItem>
          <Flex alignItems={{ default: 'alignItemsCenter' }} gap={{ default: 'gapMd' }}>
            <FlexItem>
              <Title headingLevel="h1" id="view-title">
                Hosts
              </Title>
            </FlexItem>
            {canManage && !adding && hosts && !empty && (
              <FlexItem>
                <Button variant="primary" onClick={() => setModal({ kind: 'add' })}>
                  Add host
                </Button>
              </FlexItem>
            )}
            {canManage && hosts && hosts.length > 1 && (
              <FlexItem>
                <BalanceAction />
              </FlexItem>
            )}
          </Flex>
          {!canManage && (
            <p className="hosts-muted">Only the administrator adds, changes and removes hosts.</p>
          )}
        </StackItem>
        {(adding || (modal?.kind === 'edit' && modalHost)) && (
          <StackItem>
            <HostForm
              key={modal.kind === 'edit' ? modal.id : 'add'}
              host={modal.kind === 'edit' ? modalHost : undefined}
              busy={busy}
              error={error}
              onSubmit={(input) => void submitForm(input)}
              onCancel={close}
            />
          </StackItem>
        )}
        {loadError !== undefined && (
          <StackItem>
            <RequestFailedState what="the hosts" error={loadError} onRetry={retry} />
          </StackItem>
        )}
        {!hosts && loadError === undefined && (
          <StackItem>
            <LoadingState what="the hosts" />
          </StackItem>
        )}
        {empty && !adding && (
          <StackItem>
            <NoHosts canManage={canManage} onAdd={() => setModal({ kind: 'add' })} />
          </StackItem>
        )}
        {hosts && !empty && (
          <StackItem>
            <ul className="hosts-list" aria-label="Hosts">
              {hosts.map((host) => (
                <li key={host.id}>
                  <HostCard
                    host={host}
                    canManage={canManage}
                    onEdit={() => setModal({ kind: 'edit', id: host.id })}
                    onRemove={() => setModal({ kind: 'remove', id: host.id })}
                    onTrust={() => setModal({ kind: 'trust', id: host.id })}
                    onReplace={() => setModal({ kind: 'replace', id: host.id })}
                    onReconnect={() => reconnect(host.id, host.name)}
                  />
                </li>
              ))}
            </ul>
          </StackItem>
        )}
        {canManage && (
          <StackItem>
            <NetworkPolicyForm />
          </StackItem>
        )}
      </Stack>
      {modal?.kind === 'trust' && modalHost && (
        <TrustKeyDialog
          host={modalHost}
          busy={busy}
          error={error}
          onCancel={close}
          onTrust={(fingerprint) =>
            void run(
              () => client.hosts.trustKey({ id: modalHost.id, fingerprint }),
              `Trusted the host key of ${modalHost.name}`,
            )
          }
        />
      )}
      {modal?.kind === 'replace' && modalHost && (
        <ReplaceKeyDialog
          host={modalHost}
          busy={busy}
          error={error}
          onCancel={close}
          onReplace={(fingerprint) =>
            void run(
              () => client.hosts.replaceKey({ id: modalHost.id, fingerprint }),
              `Replaced the host key of ${modalHost.name}`,
            )
          }
        />
      )}
      {modal?.kind === 'remove' && modalHost && (
        <RemoveHostDialog
          host={modalHost}
          busy={busy}
          error={error}
          onCancel={close}
          onRemove={() =>
            void run(() => client.hosts.remove({ id: modalHost.id }), `Removed ${modalHost.name}`)
          }
        />
      )}
    </PageSection>
  );
}

/** No host added yet: what comes next, for whoever is looking. */
function NoHosts({ canManage, onAdd }: { canManage: boolean; onAdd: () => void }) {
  return (
    <EmptyState headingLevel="h2" titleText="No host added yet" icon={ServerIcon}>
      <EmptyStateBody>
        {canManage
          ? 'Add a libvirt host reachable over SSH: paste its qemu+ssh:// URI or fill in its address. This computer appears here by itself when its libvirt socket is reachable.'
          : 'Clusters run on hosts the administrator adds. Ask them to add one; it appears here as soon as it is connected.'}
      </EmptyStateBody>
      {canManage && (
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="primary" onClick={onAdd}>
              Add host
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      )}
    </EmptyState>
  );
}
