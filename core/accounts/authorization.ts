import type { Access } from '../../api/access';
import type { User } from '../../api/accounts-api';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../call-context';

/**
 * Who may do what, in one place for every service:
 * - not signed in: `unauthenticated`;
 * - a role the operation needs (administrator for hosts and images): `forbidden`;
 * - something owned by another user (a VM, a console, a cluster, an operation): `not-found`,
 *   with the same words as for something that does not exist, because a user does not see
 *   other users' things at all, so a refusal must not reveal that they exist.
 *
 * Every check runs before any libvirt call of the operation.
 */

/** The part of AccountsService the checks need (so tests and services can pass just that). */
export interface SessionUsers {
  /** The caller, or an `unauthenticated` error. */
  requireUser(ctx: CallContext): User;
  /** The caller if they are the administrator; `forbidden` otherwise. */
  requireAdmin(ctx: CallContext): User;
  /** Who this session is, or null. */
  me(ctx: CallContext): { user: User | null };
}

/** Whether `user` may see and act on something owned by `ownerId` (admin: everything). */
export function canAccess(user: User | null | undefined, ownerId: string | undefined): boolean {
  if (!user) return false;
  if (user.role === 'admin') return true;
  return ownerId !== undefined && ownerId === user.id;
}

/**
 * Throws unless `user` may act on something owned by `ownerId`. `what` names it as the user
 * would ("VM 1b2c…", "cluster web"); the error reads like the thing does not exist.
 */
export function requireOwnership(user: User, ownerId: string | undefined, what: string): void {
  if (!canAccess(user, ownerId)) throw notFound(what);
}

/** The `not-found` error used both for missing things and for other users' things. */
export function notFound(what: string): CorralError {
  return new CorralError('not-found', `${what} does not exist or is not yours`);
}

/** The caller (`unauthenticated` if not signed in). */
export function requireUser(users: SessionUsers, ctx: CallContext): User {
  return users.requireUser(ctx);
}

/** The caller if administrator (`unauthenticated` / `forbidden` otherwise). */
export function requireAdmin(users: SessionUsers, ctx: CallContext): User {
  return users.requireAdmin(ctx);
}

/**
 * The dispatcher's gate for a contract entry's declared rule. `owner` lets a signed-in user
 * through to the service, which then checks ownership of what the input names.
 */
export function checkAccess(users: SessionUsers, rule: Access, ctx: CallContext): void {
  switch (rule) {
    case 'public':
      return;
    case 'signed-in':
    case 'owner:vm':
    case 'owner:cluster':
    case 'owner:task':
      users.requireUser(ctx);
      return;
    case 'admin':
      users.requireAdmin(ctx);
      return;
    default:
      // A value outside the known levels (a cast, a stale build) is refused, never waved through.
      throw new Error(`unknown access rule ${String(rule satisfies never)}`);
  }
}
