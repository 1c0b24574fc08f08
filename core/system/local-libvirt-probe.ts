import { connect } from 'node:net';

/** Where libvirtd listens on this computer (read-write socket). */
export const LOCAL_LIBVIRT_SOCKET = '/var/run/libvirt/libvirt-sock';

export interface ProbeResult {
  reachable: boolean;
  error?: string;
}

/** Whether a UNIX socket accepts a connection; a short deadline keeps the About view snappy. */
export function probeUnixSocket(path: string, timeoutMs = 1000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ reachable: false, error: 'timed out' }), timeoutMs);
    socket.once('connect', () => finish({ reachable: true }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ reachable: false, error: err.code ?? err.message }),
    );
  });
}
