import type { RemoteError } from './protocol-types';

/**
 * An error reported by libvirt itself (a reply or stream with status ERROR): the fields of
 * virError. `code` is virErrorNumber (e.g. 42 NO_DOMAIN, 39 unknown procedure), `domain` is
 * virErrorDomain.
 */
export class LibvirtError extends Error {
  override readonly name = 'LibvirtError';
  readonly code: number;
  readonly domain: number;
  readonly level: number;
  /** The remote fields as sent (str1..3, int1..2, dom, net). */
  readonly detail: RemoteError;

  constructor(err: RemoteError) {
    super(err.message ?? `libvirt error code ${err.code}`);
    this.code = err.code;
    this.domain = err.domain;
    this.level = err.level;
    this.detail = err;
  }
}

/** Why the client (not libvirt) failed a call or a connection. */
export type RpcErrorCode =
  /** The call's deadline passed without a reply. */
  | 'TIMEOUT'
  /** The connection closed (or was closed) before the reply. */
  | 'CLOSED'
  /** The peer sent something the protocol does not allow (bad frame, unknown serial, bad XDR). */
  | 'PROTOCOL'
  /** Our keepalive pings went unanswered for the configured count. */
  | 'KEEPALIVE'
  /** The transport (socket, ssh channel) reported an error. */
  | 'TRANSPORT'
  /** The daemon asked for an authentication method this client does not do (SASL). */
  | 'AUTH';

/** A client-side failure, with a machine-readable code and the underlying cause when any. */
export class LibvirtRpcError extends Error {
  override readonly name = 'LibvirtRpcError';
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
