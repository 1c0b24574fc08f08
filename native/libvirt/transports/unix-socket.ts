import { connect, type Socket } from 'node:net';

/** libvirtd's read-write socket on Debian and most distributions. */
export const DEFAULT_LIBVIRT_SOCKET = '/var/run/libvirt/libvirt-sock';

/** Connects to a local UNIX socket (no Nagle: RPCs are small request/response packets). */
export function connectUnixSocket(path: string = DEFAULT_LIBVIRT_SOCKET): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    const onError = (err: Error) => reject(err);
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.off('error', onError);
      sock.setNoDelay(true);
      resolve(sock);
    });
  });
}
