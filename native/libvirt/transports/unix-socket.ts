import { connect, type Socket } from 'node:net';

/** libvirtd's read-write socket on Debian and most distributions. */
export const DEFAULT_LIBVIRT_SOCKET = '/var/run/libvirt/libvirt-sock';

/** One read buffer per socket, reused for every read. */
const READ_BUFFER = 256 * 1024;

/**
 * Connects to a local UNIX socket, with Nagle off. Reads land in one reused buffer (no allocation
 * per read) and are emitted as 'data' views valid only during the listener call: fine for
 * {@link RpcConnection}, which copies whatever it keeps; other consumers must copy too.
 */
export function connectUnixSocket(path: string = DEFAULT_LIBVIRT_SOCKET): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect({
      path,
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER),
        callback: (n: number, buf: Uint8Array) => {
          sock.emit('data', Buffer.from(buf.buffer, buf.byteOffset, n));
          return true;
        },
      },
    });
    const onError = (err: Error) => reject(err);
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.off('error', onError);
      sock.setNoDelay(true);
      resolve(sock);
    });
  });
}
