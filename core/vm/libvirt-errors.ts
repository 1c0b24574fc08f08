import { CorralError } from '../../api/errors';
import { ErrorNumber, LibvirtError, LibvirtRpcError } from '../../native/libvirt';

/** A libvirt or connection failure as a CorralError with a message people can act on. */
export function toCorralError(err: unknown, what: string): CorralError {
  if (err instanceof CorralError) return err;
  if (err instanceof LibvirtError) {
    const detail = { libvirtCode: err.code, libvirtDomain: err.domain };
    const message = `${what}: ${err.message}`;
    switch (err.code) {
      case ErrorNumber.NO_DOMAIN:
        return new CorralError('not-found', message, detail);
      case ErrorNumber.OPERATION_INVALID:
        return new CorralError('conflict', message, detail);
      case ErrorNumber.AGENT_UNRESPONSIVE:
        return new CorralError('unavailable', message, detail);
      case ErrorNumber.OPERATION_TIMEOUT:
        return new CorralError('timeout', message, detail);
      default:
        return new CorralError('internal', message, detail);
    }
  }
  if (err instanceof LibvirtRpcError) {
    const code = err.code === 'TIMEOUT' ? 'timeout' : 'unavailable';
    return new CorralError(code, `${what}: ${err.message}`, { rpc: err.code });
  }
  return new CorralError(
    'internal',
    `${what}: ${err instanceof Error ? err.message : String(err)}`,
  );
}
