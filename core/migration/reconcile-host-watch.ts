import type { Disposable } from '../../api/disposable';
import { CorralError } from '../../api/errors';
import type { HostConnections } from '../hosts/host-connections';

/**
 * Aborts when a host of a running migration drops. QEMU's stream to a host whose link is cut
 * stalls without an error (no FIN, no RST) for as long as TCP retries, so the migration job is
 * aborted as soon as Corral loses the host: the source resumes, and what is left on the lost
 * host is reconciled once it is back. `signal` also follows `parent` (the owner's cancel).
 */
export function watchHostsLost(
  hosts: HostConnections,
  hostIds: readonly string[],
  parent: AbortSignal,
): Disposable & { signal: AbortSignal; lost: CorralError | undefined } {
  const controller = new AbortController();
  let lost: CorralError | undefined;
  const onParent = () => controller.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  const sub = hosts.onHostOffline((hostId, error) => {
    if (!hostIds.includes(hostId) || controller.signal.aborted) return;
    lost = new CorralError(
      'unavailable',
      `host ${hostId} became unreachable during the migration (${error}); the VM stays on the source`,
    );
    controller.abort(lost);
  });
  return {
    signal: controller.signal,
    get lost() {
      return lost;
    },
    dispose() {
      sub.dispose();
      parent.removeEventListener('abort', onParent);
    },
  };
}
