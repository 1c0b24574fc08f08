import {
  Alert,
  Button,
  Content,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
} from '@patternfly/react-core';
import { useId, useState, type ReactNode } from 'react';
import { dialogLayer } from '../../app/dialog-layer';
import { errorMessage } from '../../app/notifications';

/**
 * Confirms deleting a snapshot or a checkpoint. A snapshot with descendants offers both ways: it
 * alone (its children then hang from its parent) or it with every descendant, named.
 */
export function DeleteDialog({
  title,
  intro,
  descendants = [],
  remove,
  onClose,
}: {
  title: string;
  intro: ReactNode;
  /** The snapshots under it; empty for a leaf or a checkpoint. */
  descendants?: readonly string[];
  remove: (withChildren: boolean) => Promise<unknown>;
  onClose: () => void;
}) {
  const titleId = useId();
  const [withChildren, setWithChildren] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const go = () => {
    setBusy(true);
    setFailure(undefined);
    remove(withChildren).then(onClose, (err: unknown) => {
      setFailure(errorMessage(err));
      setBusy(false);
    });
  };
  return (
    <Modal
      isOpen
      variant="small"
      aria-labelledby={titleId}
      onClose={onClose}
      appendTo={dialogLayer}
    >
      <ModalHeader title={title} labelId={titleId} />
      <ModalBody>
        <Form noValidate aria-label={title} onSubmit={(e) => e.preventDefault()}>
          <Content component="p">{intro}</Content>
          {descendants.length > 0 && (
            <FormGroup role="radiogroup" fieldId={`${titleId}-scope`} label="What to delete">
              <Radio
                id={`${titleId}-one`}
                name={`${titleId}-scope`}
                label="Only this snapshot (the ones under it stay)"
                isChecked={!withChildren}
                onChange={() => setWithChildren(false)}
              />
              <Radio
                id={`${titleId}-all`}
                name={`${titleId}-scope`}
                label={`This snapshot and its ${descendants.length} ${descendants.length === 1 ? 'descendant' : 'descendants'}: ${descendants.join(', ')}`}
                isChecked={withChildren}
                onChange={() => setWithChildren(true)}
              />
            </FormGroup>
          )}
          {failure && (
            <Alert isInline variant="danger" role="alert" title="The delete was refused">
              {failure}
            </Alert>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" isLoading={busy} isDisabled={busy} onClick={go}>
          Delete
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
