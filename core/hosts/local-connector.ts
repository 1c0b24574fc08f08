import { LibvirtClient, connectUnixSocket } from '../../native/libvirt';
import {
  ConnectFailure,
  errorText,
  type ConnectionTiming,
  type LiveConnection,
} from './live-connection';

/** "This computer": libvirtd's local socket, no SSH and no credentials. */
export async function connectLocal(
  socketPath: string,
  timing: ConnectionTiming,
): Promise<LiveConnection> {
  let client: LibvirtClient;
  try {
    client = await LibvirtClient.connect(() => connectUnixSocket(socketPath), {
      uri: 'qemu:///system',
      keepaliveIntervalMs: timing.libvirtKeepaliveMs,
      keepaliveCount: timing.libvirtKeepaliveCount,
    });
  } catch (err) {
    // Nothing but the daemon stands between us and its socket: retry soon.
    throw new ConnectFailure({
      kind: 'network',
      error: `${socketPath}: ${errorText(err)}`,
      daemon: true,
    });
  }
  let closed = false;
  const listeners: Array<(error: string, daemon: boolean) => void> = [];
  client.on('close', (err: Error | undefined) => {
    if (closed) return;
    closed = true;
    for (const l of listeners) l(err ? errorText(err) : 'libvirtd closed the connection', true);
  });
  return {
    client,
    onClose: (l) => listeners.push(l),
    close: async () => {
      closed = true;
      await client.close();
    },
  };
}
