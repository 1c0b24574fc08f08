import { CorralError } from '../../api/errors';
import { ErrorNumber, LibvirtError } from '../../native/libvirt';
import { toCorralError } from '../vm/libvirt-errors';

/** A storage call's failure as a CorralError people can act on. */
export function storageError(err: unknown, what: string): CorralError {
  if (err instanceof LibvirtError) {
    const detail = { libvirtCode: err.code, libvirtDomain: err.domain };
    if (err.code === ErrorNumber.NO_STORAGE_POOL || err.code === ErrorNumber.NO_STORAGE_VOL)
      return new CorralError('not-found', `${what}: ${err.message}`, detail);
    if (err.code === ErrorNumber.STORAGE_VOL_EXIST)
      return new CorralError('conflict', `${what}: ${err.message}`, detail);
  }
  return toCorralError(err, what);
}

/** True when libvirt says the volume (or pool) does not exist. */
export function isMissing(err: unknown): boolean {
  return (
    err instanceof LibvirtError &&
    (err.code === ErrorNumber.NO_STORAGE_VOL || err.code === ErrorNumber.NO_STORAGE_POOL)
  );
}
