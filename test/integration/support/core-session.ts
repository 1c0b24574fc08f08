import { createClient, type ClientConnection } from '../../../api/client';
import { corralApi, type CorralApi } from '../../../api/corral-api';
import { createInMemoryPair } from '../../../api/in-memory-transport';
import { CorralCore } from '../../../core/corral-core';
import type { HostConnections } from '../../../core/hosts/host-connections';
import { serveCorral } from '../../../core/serve-corral';

/** A core on `dataDir` whose hosts are `hostConnections` alone (no local host probing). */
export function coreOnHosts(dataDir: string, hostConnections: HostConnections): CorralCore {
  return new CorralCore({
    dataDir,
    shell: 'test',
    hostConnections,
    hosts: { localHost: false, localProbeMs: 0 },
  });
}

/**
 * A contract client with a session of its own on `core`, as a browser or a window would have.
 * Its connection goes into `clients`, for the suite to dispose of when it ends.
 */
export function coreSession(
  core: CorralCore,
  id: string,
  clients: ClientConnection<CorralApi>[],
): ClientConnection<CorralApi>['api'] {
  const [serverEnd, clientEnd] = createInMemoryPair();
  serveCorral(core, serverEnd, { sessionId: id });
  const connection = createClient(corralApi, clientEnd);
  clients.push(connection);
  return connection.api;
}
