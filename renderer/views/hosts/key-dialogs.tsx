import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from '@patternfly/react-core';
import { useId, type ReactNode } from 'react';
import { dialogLayer } from '../../app/dialog-layer';
import type { HostView } from '../../../api/hosts-api';
import { FingerprintBlock } from './fingerprint-block';

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
    <HostDialog
      title={`Trust the host key of ${host.name}?`}
      onCancel={onCancel}
      footer={
        <ConfirmFooter
          label="Trust and connect"
          busy={busy}
          onConfirm={() => onTrust(fingerprint)}
          onCancel={onCancel}
        />
      }
      error={error}
    >
      <p>
        This is the first connection to {host.user}@{host.address}:{host.port}. It presented this{' '}
        {keyType} key:
      </p>
      <FingerprintBlock fingerprint={fingerprint} testId="presented-fingerprint" />
      <p className="hosts-muted">
        Compare it with what the host itself prints, e.g.{' '}
        <code>ssh-keygen -lf /etc/ssh/ssh_host_{keyType.replace(/^ssh-/, '')}_key.pub</code>.
        Nothing has been sent to the host yet; your credentials are sent only after you trust its
        key.
      </p>
    </HostDialog>
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
    <HostDialog
      title={`Replace the host key of ${host.name}?`}
      onCancel={onCancel}
      footer={
        <ConfirmFooter
          label="Replace key"
          danger
          busy={busy}
          onConfirm={() => onReplace(presented)}
          onCancel={onCancel}
        />
      }
      error={error}
    >
      <p>
        Only do this if you know why the key changed (the host was reinstalled, or its keys were
        regenerated). Otherwise someone may be intercepting the connection.
      </p>
      <DescriptionList>
        <DescriptionListGroup>
          <DescriptionListTerm>Trusted key</DescriptionListTerm>
          <DescriptionListDescription>
            <FingerprintBlock fingerprint={expected} testId="expected-fingerprint" />
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Presented now ({keyType})</DescriptionListTerm>
          <DescriptionListDescription>
            <FingerprintBlock fingerprint={presented} testId="presented-fingerprint" />
          </DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
    </HostDialog>
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
    <HostDialog
      title={`Remove ${host.name}?`}
      onCancel={onCancel}
      footer={
        <ConfirmFooter label="Remove" danger busy={busy} onConfirm={onRemove} onCancel={onCancel} />
      }
      error={error}
    >
      <p>
        Corral forgets this host, its trusted key and any stored secret. Its virtual machines keep
        running on the host.
      </p>
    </HostDialog>
  );
}

/**
 * A PatternFly modal named by its title alone (no status icon, whose hidden text would join the
 * name); Escape and the close button cancel. Mounted in the dialog layer, so the host's live
 * status under it stays readable (see dialogLayer).
 */
function HostDialog({
  title,
  children,
  footer,
  error,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  footer: ReactNode;
  error?: string;
  onCancel: () => void;
}) {
  const titleId = useId();
  return (
    <Modal
      isOpen
      variant="medium"
      aria-labelledby={titleId}
      onClose={onCancel}
      appendTo={dialogLayer}
    >
      <ModalHeader title={title} labelId={titleId} />
      <ModalBody>
        {children}
        {error && (
          <Alert
            variant="danger"
            isInline
            role="alert"
            title={error}
            className="hosts-dialog-error"
          >
            Nothing was changed. Check that the host is reachable, then try again.
          </Alert>
        )}
      </ModalBody>
      <ModalFooter>{footer}</ModalFooter>
    </Modal>
  );
}

/** The dialog's one action and Cancel (focused, so Enter never confirms by accident). */
function ConfirmFooter({
  label,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  label: string;
  danger?: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <>
      <Button
        variant={danger ? 'danger' : 'primary'}
        isDisabled={busy}
        isLoading={busy}
        onClick={onConfirm}
      >
        {label}
      </Button>
      <Button variant="link" autoFocus onClick={onCancel}>
        Cancel
      </Button>
    </>
  );
}
