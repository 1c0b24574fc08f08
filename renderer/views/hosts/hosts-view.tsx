import { useCallback, useEffect, useRef, useState } from 'react';
import type { HostInput, HostView } from '../../../api/hosts-api';
import { useClient } from '../../app/client-context';
import { useIsAdmin } from '../../app/user-context';
import { HostForm } from './host-form';
import { hostStatusText } from './host-status-text';
import { RemoveHostDialog, ReplaceKeyDialog, TrustKeyDialog } from './key-dialogs';
import { NetworkPolicyForm } from './network-policy-form';
import './hosts-view.css';

type Modal =
  | { kind: 'add' }
  | { kind: 'edit'; id: string }
  | { kind: 'trust'; id: string }
  | { kind: 'replace'; id: string }
  | { kind: 'remove'; id: string };

/** The live host list, as core pushes it (`hosts.onChanged`), with the first `list` as a start. */
function useHosts(): { hosts: HostView[] | undefined; loadError?: string } {
  const client = useClient();
  const [hosts, setHosts] = useState<HostView[]>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    let pushed = false;
    const sub = client.hosts.onChanged((list) => {
      pushed = true;
      setHosts(list);
    });
    client.hosts.list({}).then(
      (list) => {
        // A push that arrived first is newer than this answer.
        if (!pushed) setHosts(list);
      },
      (err: Error) => setLoadError(err.message),
    );
    return () => sub.dispose();
  }, [client]);
  return { hosts, loadError };
}

/** Hosts (issue 5): add, edit, remove, trust keys, and each host's live status as text. */
export function HostsView() {
  const client = useClient();
  // Issue 6: only the administrator manages hosts (core refuses others anyway).
  const canManage = useIsAdmin();
  const { hosts, loadError } = useHosts();
  const [modal, setModal] = useState<Modal>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  /** A host just added: open the fingerprint dialog as soon as it reports its key. */
  const awaitingKey = useRef<string | undefined>(undefined);

  const close = useCallback(() => {
    setModal(undefined);
    setError(undefined);
  }, []);

  const run = async (action: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      if (after) after();
      else close();
    } catch (err) {
      setError((err as Error).message);
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

  const submitForm = (input: HostInput) =>
    run(async () => {
      if (modal?.kind === 'edit') {
        const view = await client.hosts.update({ id: modal.id, host: input });
        awaitingKey.current = view.id;
      } else {
        const view = await client.hosts.add(input);
        awaitingKey.current = view.id;
      }
    });

  return (
    <section aria-labelledby="view-title" className="hosts-view">
      <header className="hosts-header">
        <h1 id="view-title">Hosts</h1>
        {canManage && modal?.kind !== 'add' && (
          <button type="button" onClick={() => setModal({ kind: 'add' })}>
            Add host
          </button>
        )}
      </header>
      {!canManage && (
        <p className="muted">Only the administrator adds, changes and removes hosts.</p>
      )}
      {loadError && <p role="alert">Could not load the hosts: {loadError}</p>}
      {!hosts && !loadError && <p>Loading…</p>}
      {hosts?.length === 0 && (
        <p className="muted">
          No hosts yet. Add a libvirt host reachable over SSH; this computer appears here by itself
          when its libvirt socket is reachable.
        </p>
      )}
      {(modal?.kind === 'add' || (modal?.kind === 'edit' && modalHost)) && (
        <HostForm
          key={modal.kind === 'edit' ? modal.id : 'add'}
          host={modal.kind === 'edit' ? modalHost : undefined}
          busy={busy}
          error={error}
          onSubmit={(input) => void submitForm(input)}
          onCancel={close}
        />
      )}
      <ul className="hosts-list" aria-label="Hosts">
        {hosts?.map((host) => (
          <HostRow
            key={host.id}
            host={host}
            canManage={canManage}
            onEdit={() => setModal({ kind: 'edit', id: host.id })}
            onRemove={() => setModal({ kind: 'remove', id: host.id })}
            onTrust={() => setModal({ kind: 'trust', id: host.id })}
            onReplace={() => setModal({ kind: 'replace', id: host.id })}
            onReconnect={() => void client.hosts.reconnect({ id: host.id }).catch(() => undefined)}
          />
        ))}
      </ul>
      {canManage && <NetworkPolicyForm />}
      {modal?.kind === 'trust' && modalHost && (
        <TrustKeyDialog
          host={modalHost}
          busy={busy}
          error={error}
          onCancel={close}
          onTrust={(fingerprint) =>
            void run(() => client.hosts.trustKey({ id: modalHost.id, fingerprint }))
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
            void run(() => client.hosts.replaceKey({ id: modalHost.id, fingerprint }))
          }
        />
      )}
      {modal?.kind === 'remove' && modalHost && (
        <RemoveHostDialog
          host={modalHost}
          busy={busy}
          error={error}
          onCancel={close}
          onRemove={() => void run(() => client.hosts.remove({ id: modalHost.id }))}
        />
      )}
    </section>
  );
}

function HostRow({
  host,
  canManage,
  onEdit,
  onRemove,
  onTrust,
  onReplace,
  onReconnect,
}: {
  host: HostView;
  /** The administrator's controls (trust, replace, reconnect, edit, remove). */
  canManage: boolean;
  onEdit: () => void;
  onRemove: () => void;
  onTrust: () => void;
  onReplace: () => void;
  onReconnect: () => void;
}) {
  const { text, tone } = hostStatusText(host.status);
  const titleId = `host-${host.id}-name`;
  const s = host.status;
  return (
    <li className="hosts-row">
      <article aria-labelledby={titleId}>
        <div className="hosts-row-main">
          <h2 id={titleId} className="hosts-name">
            {host.name}
          </h2>
          <span className="muted">
            {host.local ? host.address : `${host.user}@${host.address}:${host.port}`}
          </span>
        </div>
        <p className={`hosts-status tone-${tone}`} data-testid="host-status" data-state={s.state}>
          <span className="hosts-dot" aria-hidden="true" />
          {text}
        </p>
        {s.state === 'unreachable' && s.retryAt && (
          <p className="muted hosts-note">Retrying automatically.</p>
        )}
        {s.state === 'key-mismatch' && (
          <p className="hosts-note" data-testid="key-mismatch-explanation">
            {host.name} presented a different {s.keyType} host key ({s.presented}) than the one you
            trusted ({s.expected}). Corral refused the connection before sending any credential. If
            the host was reinstalled or its keys regenerated, replace the key; otherwise someone may
            be intercepting the connection.
          </p>
        )}
        {canManage && (
          <div className="hosts-actions">
            {s.state === 'key-unknown' && (
              <button type="button" onClick={onTrust}>
                Review host key…
              </button>
            )}
            {s.state === 'key-mismatch' && (
              <button type="button" onClick={onReplace}>
                Replace key…
              </button>
            )}
            <button type="button" onClick={onReconnect}>
              Reconnect
            </button>
            {!host.local && (
              <>
                <button type="button" onClick={onEdit}>
                  Edit
                </button>
                <button type="button" onClick={onRemove}>
                  Remove
                </button>
              </>
            )}
          </div>
        )}
      </article>
    </li>
  );
}
