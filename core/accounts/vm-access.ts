import type { User } from '../../api/accounts-api';
import type { VmRef } from '../../api/inventory-api';
import type { CallContext } from '../call-context';
import { canAccess, notFound, type SessionUsers } from './authorization';

/**
 * Who owns a VM, from the inventory's cached membership metadata: `undefined` when the VM is not
 * Corral's (or not known), so only the administrator may touch it.
 */
export type OwnerOf = (ref: VmRef) => string | undefined;

/**
 * The VM check shared by VM actions and consoles: the owner or the administrator,
 * decided from cached metadata so a refusal never costs (or makes) a libvirt call.
 */
export class VmAccess {
  constructor(
    private readonly users: SessionUsers,
    private readonly ownerOf: OwnerOf,
  ) {}

  /** The caller, if they may act on the VM; `unauthenticated` or `not-found` otherwise. */
  require(ref: VmRef, ctx: CallContext): User {
    const user = this.users.requireUser(ctx);
    if (!canAccess(user, this.ownerOf(ref))) throw notFound(`VM ${ref.uuid} on host ${ref.hostId}`);
    return user;
  }

  /** Whether the caller may see the VM (false when not signed in). */
  canSee(ref: VmRef, ctx: CallContext): boolean {
    return canAccess(this.users.me(ctx).user, this.ownerOf(ref));
  }
}
