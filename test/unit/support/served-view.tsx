import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { AccessRules } from '../../../api/access';
import { createClient, type ClientConnection } from '../../../api/client';
import type { Contract } from '../../../api/contract';
import { serve } from '../../../api/dispatcher';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import type { ServiceImpl } from '../../../api/types';
import { ClientContext } from '../../../renderer/app/client-context';
import { SessionContext, type Session } from '../../../renderer/app/user-context';
import type { CorralClient } from '../../../renderer/boot/corral-client';

// React only flushes effects inside act() when it is told it runs under a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
let connection: ClientConnection<Contract> | undefined;

/** Lets queued messages of the in-memory transport (microtasks) and timers run. */
export const settle = () => new Promise((r) => setTimeout(r, 0));

/** Lets the in-memory transport and React settle until `check` passes. */
export async function until(check: () => void): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      check();
      return;
    } catch (err) {
      last = err;
    }
    await act(settle);
  }
  throw last;
}

/**
 * Serves `impl` over the in-memory transport like the real app and renders `view` with a client
 * of `contract` (and `session`, when given) in context. Call `unmountServedView` after each test.
 */
export async function renderServedView<C extends Contract>(opts: {
  contract: C;
  impl: ServiceImpl<C, object>;
  access: AccessRules<C>;
  view: ReactNode;
  session?: Session;
}): Promise<HTMLElement> {
  const [serverEnd, clientEnd] = createInMemoryPair();
  serve({
    contract: opts.contract,
    impl: opts.impl,
    access: opts.access,
    // The view alone: who may call what is proven against the real core elsewhere.
    authorize: () => {},
    transport: serverEnd,
    context: {},
  });
  const client = createClient(opts.contract, clientEnd);
  connection = client as unknown as ClientConnection<Contract>;
  const container = document.createElement('div');
  document.body.append(container);
  const mounted = createRoot(container);
  root = mounted;
  // The view asks only for the entries of `contract`; this client has exactly those.
  const withClient = (
    <ClientContext.Provider value={client.api as unknown as CorralClient}>
      {opts.session ? (
        <SessionContext.Provider value={opts.session}>{opts.view}</SessionContext.Provider>
      ) : (
        opts.view
      )}
    </ClientContext.Provider>
  );
  await act(async () => {
    mounted.render(withClient);
    await settle();
  });
  return container;
}

/** Unmounts what `renderServedView` rendered, closes its connection and empties the page. */
export function unmountServedView(): void {
  act(() => root?.unmount());
  connection?.dispose();
  root = undefined;
  connection = undefined;
  document.body.innerHTML = '';
}
