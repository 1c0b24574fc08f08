import { Button } from '@patternfly/react-core';
import { useState } from 'react';
import { useIsAdmin } from '../../app/user-context';
import { BalanceDialog } from './balance-dialog';

/** The administrator's "Balance hosts" action (core refuses everyone else anyway). */
export function BalanceAction() {
  const isAdmin = useIsAdmin();
  const [open, setOpen] = useState(false);
  if (!isAdmin) return null;
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Balance hosts
      </Button>
      {open && <BalanceDialog onClose={() => setOpen(false)} />}
    </>
  );
}
