import { CorralError } from '../../api/errors';
import { SnapshotName } from '../../api/snapshots-api';

/**
 * The name checked again in core (a caller inside the process skips the contract's parsing): one
 * rule for libvirt, file names and shell words. Throws `bad-request` with the reason.
 */
export function requireSnapshotName(name: unknown): string {
  const parsed = SnapshotName.safeParse(name);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => i.message).join('; ');
    throw new CorralError('bad-request', `invalid snapshot name ${JSON.stringify(name)}: ${why}`);
  }
  return parsed.data;
}
