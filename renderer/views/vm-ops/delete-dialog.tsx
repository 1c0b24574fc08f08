import { Content, Form, FormGroup, Radio } from '@patternfly/react-core';
import { useId, useState, type ReactNode } from 'react';
import { OpDialog, Refusal, useSend } from './op-dialog';

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
  const baseId = useId();
  const [withChildren, setWithChildren] = useState(false);
  const { busy, failure, send } = useSend();
  const go = () => send(() => remove(withChildren), onClose);
  return (
    <OpDialog title={title} action="Delete" danger busy={busy} onAction={go} onClose={onClose}>
      <Form noValidate aria-label={title} onSubmit={(e) => e.preventDefault()}>
        <Content component="p">{intro}</Content>
        {descendants.length > 0 && (
          <FormGroup role="radiogroup" fieldId={`${baseId}-scope`} label="What to delete">
            <Radio
              id={`${baseId}-one`}
              name={`${baseId}-scope`}
              label="Only this snapshot (the ones under it stay)"
              isChecked={!withChildren}
              onChange={() => setWithChildren(false)}
            />
            <Radio
              id={`${baseId}-all`}
              name={`${baseId}-scope`}
              label={`This snapshot and its ${descendants.length} ${descendants.length === 1 ? 'descendant' : 'descendants'}: ${descendants.join(', ')}`}
              isChecked={withChildren}
              onChange={() => setWithChildren(true)}
            />
          </FormGroup>
        )}
        <Refusal title="The delete was refused" failure={failure} />
      </Form>
    </OpDialog>
  );
}
