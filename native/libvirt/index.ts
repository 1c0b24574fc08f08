/**
 * A pure TypeScript client of libvirt's remote protocol.
 *
 * ```ts
 * const client = await LibvirtClient.connect(() => connectUnixSocket(), { uri: 'qemu:///system' });
 * const { domains } = await client.call('connectListAllDomains', { needResults: true, flags: 0 });
 * await client.close();
 * ```
 */
export * from './constants';
export { LibvirtError, LibvirtRpcError, type RpcErrorCode } from './errors';
export {
  LibvirtClient,
  type LibvirtClientOptions,
  type EventSubscription,
  type TransportFactory,
} from './libvirt-client';
export { LibvirtStream } from './libvirt-stream';
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
