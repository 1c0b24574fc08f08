import { CorralError } from '../../api/errors';
import { LibvirtError, LibvirtRpcError } from '../../native/libvirt';

// virErrorNumber values worth telling apart.
const VIR_ERR_NO_DOMAIN = 42;
const VIR_ERR_OPERATION_INVALID = 55;
const VIR_ERR_OPERATION_TIMEOUT = 68;
const VIR_ERR_AGENT_UNRESPONSIVE = 86;

/** A libvirt or connection failure as a CorralError with a message people can act on. */
export function toCorralError(err: unknown, what: string): CorralError {
  if (err instanceof CorralError) return err;
  if (err instanceof LibvirtError) {
    const detail = { libvirtCode: err.code, libvirtDomain: err.domain };
    const message = `${what}: ${err.message}`;
    switch (err.code) {
      case VIR_ERR_NO_DOMAIN:
        return new CorralError('not-found', message, detail);
      case VIR_ERR_OPERATION_INVALID:
        return new CorralError('conflict', message, detail);
      case VIR_ERR_AGENT_UNRESPONSIVE:
        return new CorralError('unavailable', message, detail);
      case VIR_ERR_OPERATION_TIMEOUT:
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
