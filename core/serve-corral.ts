import { corralAccess } from '../api/corral-access';
import { corralApi } from '../api/corral-api';
import { serve } from '../api/dispatcher';
import type { Disposable } from '../api/disposable';
import type { Transport } from '../api/transport';
import { checkAccess } from './accounts/authorization';
import type { CallContext } from './call-context';
import type { CorralCore } from './corral-core';

/**
 * Serves the whole contract of `core` over one transport, each entry behind its declared rule
 * (api/corral-access.ts), owners resolved by core's `owners`. Every shell serves through here,
 * so none can forget the gate.
 */
export function serveCorral(
  core: Pick<CorralCore, 'api' | 'accounts' | 'owners'>,
  transport: Transport,
  context: CallContext,
  log?: (message: string) => void,
): Disposable {
  return serve({
    contract: corralApi,
    impl: core.api,
    access: corralAccess,
    authorize: (rule, ctx, _path, input) =>
      checkAccess(core.accounts, core.owners, rule, ctx, input),
    transport,
    context,
    log,
  });
}
