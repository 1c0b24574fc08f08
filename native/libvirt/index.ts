/**
 * A pure TypeScript client of libvirt's remote protocol (no libvirt C library).
 *
 * Local UNIX socket:
 * ```ts
 * const client = await LibvirtClient.connect(() => connectUnixSocket(), { uri: 'qemu:///system' });
 * const { domains } = await client.call('connectListAllDomains', { needResults: true, flags: 0 });
 * ```
 * Over SSH (ssh2, pinned host key; runs virt-ssh-helper, else `nc -U`):
 * ```ts
 * const ssh = await connectSsh({ host, username: 'root', privateKey, hostKeySha256: 'SHA256:...' });
 * const client = await LibvirtClient.connect(() => openSshTransport(ssh), { uri: 'qemu:///system' });
 * ```
 * Console (a Duplex; destroy() aborts it on the daemon):
 * ```ts
 * const console = await client.openStream('domainOpenConsole', { dom, devName: null, flags: 1 });
 * console.on('data', (b) => ...); console.write('ls\r');
 * ```
 * Events (registered again by client.reconnect()):
 * ```ts
 * const sub = await client.onDomainEvent('lifecycle', (e) => e.event === DomainLifecycle.STOPPED);
 * await sub.unregister();
 * ```
 * Errors: LibvirtError (the daemon's virError: code, domain, message) or LibvirtRpcError
 * (client side: TIMEOUT, CLOSED, PROTOCOL, KEEPALIVE, TRANSPORT, AUTH). Close with client.close().
 */
export * from './constants';
export { LibvirtError, LibvirtRpcError, type RpcErrorCode } from './errors';
export {
  LibvirtClient,
  type LibvirtClientOptions,
  type EventSubscription,
  type TransportFactory,
} from './libvirt-client';
export { LibvirtStream, type StreamReadOptions } from './libvirt-stream';
export {
  RpcConnection,
  type RpcConnectionOptions,
  type CallOptions,
  type StreamSink,
} from './rpc-connection';
export {
  procedures,
  type ProcedureName,
  type ArgsOf,
  type RetOf,
  type CallProcedureName,
  type StreamProcedureName,
} from './procedures';
export { domainEvents, type DomainEventName, type DomainEventOf } from './domain-events';
export * from './protocol-types';
export { FrameDecoder } from './frame-decoder';
export { connectUnixSocket, DEFAULT_LIBVIRT_SOCKET } from './transports/unix-socket';
export { libvirtSshCommand } from './transports/ssh-command';
export { openSshTransport, type SshTransportOptions } from './transports/ssh-exec';
