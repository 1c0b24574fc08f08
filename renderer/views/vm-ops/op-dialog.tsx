import { Alert, Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { useId, useState, type ReactNode } from 'react';
import { dialogLayer } from '../../app/dialog-layer';
import { errorMessage } from '../../app/notifications';

/**
 * The one request a VM-operation dialog sends: busy while it runs, and its refusal kept to show
 * in the dialog (which then stays open so nothing typed is lost).
 */
export function useSend() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const send = <T,>(start: () => Promise<T>, done: (value: T) => void) => {
    setBusy(true);
    setFailure(undefined);
    start().then(done, (err: unknown) => {
      setFailure(errorMessage(err));
      setBusy(false);
    });
  };
  return { busy, failure, send };
}

/** Why the server refused the dialog's request. */
export function Refusal({ title, failure }: { title: string; failure?: string }) {
  if (!failure) return null;
  return (
    <Alert isInline variant="danger" role="alert" title={title}>
      {failure}
    </Alert>
  );
}

/**
 * The small modal every VM-operation dialog is: a title that names it, the body, and a footer
 * with its one action (loading while busy) and Cancel.
 */
export function OpDialog({
  title,
  action,
  danger,
  busy,
  disabled,
  onAction,
  onClose,
  testId,
  children,
}: {
  title: string;
  action: string;
  /** The action destroys something (delete, revert). */
  danger?: boolean;
  busy: boolean;
  /** Disabled for a reason other than being busy. */
  disabled?: boolean;
  onAction: () => void;
  onClose: () => void;
  testId?: string;
  children: ReactNode;
}) {
  const titleId = useId();
  return (
    <Modal
      isOpen
      variant="small"
      aria-labelledby={titleId}
      onClose={onClose}
      appendTo={dialogLayer}
      data-testid={testId}
    >
      <ModalHeader title={title} labelId={titleId} />
      <ModalBody>{children}</ModalBody>
      <ModalFooter>
        <Button
          variant={danger ? 'danger' : 'primary'}
          isLoading={busy}
          isDisabled={busy || disabled}
          onClick={onAction}
        >
          {action}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
