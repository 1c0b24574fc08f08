import { Dropdown, DropdownItem, DropdownList, MenuToggle } from '@patternfly/react-core';
import { EllipsisVIcon } from '@patternfly/react-icons';
import { useState } from 'react';

export interface RowAction {
  label: string;
  onClick: () => void;
  isDisabled?: boolean;
  isDanger?: boolean;
}

/**
 * A row's actions behind a kebab toggle named after the row ("Actions for snapshot s1"). The
 * menu opens over the page, so a scrolling details panel does not clip it.
 */
export function RowActions({ label, actions }: { label: string; actions: readonly RowAction[] }) {
  const [open, setOpen] = useState(false);
  return (
    <Dropdown
      isOpen={open}
      onOpenChange={setOpen}
      onSelect={() => setOpen(false)}
      popperProps={{ appendTo: () => document.body, position: 'right' }}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          variant="plain"
          aria-label={label}
          isExpanded={open}
          icon={<EllipsisVIcon />}
          onClick={() => setOpen(!open)}
        />
      )}
    >
      <DropdownList>
        {actions.map((a) => (
          <DropdownItem
            key={a.label}
            isDisabled={a.isDisabled}
            isDanger={a.isDanger}
            onClick={a.onClick}
          >
            {a.label}
          </DropdownItem>
        ))}
      </DropdownList>
    </Dropdown>
  );
}
