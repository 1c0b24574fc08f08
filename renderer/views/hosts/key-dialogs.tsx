import type { HostView } from '../../../api/hosts-api';
import { ModalDialog } from '../../app/modal-dialog';

type Busy = { busy: boolean; error?: string };

/** First contact: show the presented key's fingerprint and ask a person to confirm it. */
export function TrustKeyDialog({
  host,
  busy,
  error,
  onTrust,
  onCancel,
}: Busy & { host: HostView; onTrust: (fingerprint: string) => void; onCancel: () => void }) {
  if (host.status.state !== 'key-unknown') return null;
  const { fingerprint, keyType } = host.status;
  return (
    <ModalDialog title={`Trust the host key of ${host.name}?`} onCancel={onCancel}>
      <p>
        This is the first connection to {host.user}@{host.address}:{host.port}. It presented this{' '}
        {keyType} key:
      </p>
      <p>
        <code className="hosts-fingerprint" data-testid="presented-fingerprint">
          {fingerprint}
        </code>
      </p>
      <p className="muted">
        Compare it with what the host itself prints, e.g.{' '}
        <code>ssh-keygen -lf /etc/ssh/ssh_host_{keyType.replace(/^ssh-/, '')}_key.pub</code>.
        Nothing has been sent to the host yet; your credentials are sent only after you trust its
        key.
      </p>
      <ConfirmFooter
        label="Trust and connect"
        busy={busy}
        error={error}
        onConfirm={() => onTrust(fingerprint)}
        onCancel={onCancel}
      />
    </ModalDialog>
  );
}

/** A changed key: both fingerprints, a warning, and an explicit "Replace key". */
export function ReplaceKeyDialog({
  host,
  busy,
  error,
  onReplace,
  onCancel,
}: Busy & { host: HostView; onReplace: (fingerprint: string) => void; onCancel: () => void }) {
  if (host.status.state !== 'key-mismatch') return null;
  const { expected, presented, keyType } = host.status;
  return (
    <ModalDialog title={`Replace the host key of ${host.name}?`} onCancel={onCancel}>
      <p>
        Only do this if you know why the key changed (the host was reinstalled, or its keys were
        regenerated). Otherwise someone may be intercepting the connection.
      </p>
      <dl className="facts">
        <dt>Trusted key</dt>
        <dd>
          <code data-testid="expected-fingerprint">{expected}</code>
        </dd>
        <dt>Presented now ({keyType})</dt>
        <dd>
          <code data-testid="presented-fingerprint">{presented}</code>
        </dd>
      </dl>
      <ConfirmFooter
        label="Replace key"
        busy={busy}
        error={error}
        onConfirm={() => onReplace(presented)}
        onCancel={onCancel}
      />
    </ModalDialog>
  );
}

/** Remove a host (its trusted key goes too; its VMs stay on the host). */
export function RemoveHostDialog({
  host,
  busy,
  error,
  onRemove,
  onCancel,
}: Busy & { host: HostView; onRemove: () => void; onCancel: () => void }) {
  return (
    <ModalDialog title={`Remove ${host.name}?`} onCancel={onCancel}>
      <p>
        Corral forgets this host, its trusted key and any stored secret. Its virtual machines keep
        running on the host.
      </p>
      <ConfirmFooter
        label="Remove"
        danger
        busy={busy}
        error={error}
        onConfirm={onRemove}
        onCancel={onCancel}
      />
    </ModalDialog>
  );
}

/** A dialog's error line, its one action and Cancel (focused, so Enter never confirms by accident). */
function ConfirmFooter({
  label,
  danger,
  busy,
  error,
  onConfirm,
  onCancel,
}: Busy & { label: string; danger?: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="hosts-actions">
        <button
          type="button"
          className={danger ? 'danger' : undefined}
          disabled={busy}
          onClick={onConfirm}
        >
          {label}
        </button>
        <button type="button" autoFocus onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
