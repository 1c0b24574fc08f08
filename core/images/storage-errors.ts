import { CorralError } from '../../api/errors';
import { LibvirtError } from '../../native/libvirt';
import { toCorralError } from '../vm/libvirt-errors';

// virErrorNumber values of the storage driver worth telling apart.
const VIR_ERR_NO_STORAGE_POOL = 49;
const VIR_ERR_NO_STORAGE_VOL = 50;
const VIR_ERR_STORAGE_VOL_EXIST = 90;

/** A storage call's failure as a CorralError people can act on. */
export function storageError(err: unknown, what: string): CorralError {
  if (err instanceof LibvirtError) {
    const detail = { libvirtCode: err.code, libvirtDomain: err.domain };
    if (err.code === VIR_ERR_NO_STORAGE_POOL || err.code === VIR_ERR_NO_STORAGE_VOL)
      return new CorralError('not-found', `${what}: ${err.message}`, detail);
    if (err.code === VIR_ERR_STORAGE_VOL_EXIST)
      return new CorralError('conflict', `${what}: ${err.message}`, detail);
  }
  return toCorralError(err, what);
}

/** True when libvirt says the volume (or pool) does not exist. */
export function isMissing(err: unknown): boolean {
  return (
    err instanceof LibvirtError &&
    (err.code === VIR_ERR_NO_STORAGE_VOL || err.code === VIR_ERR_NO_STORAGE_POOL)
  );
}
