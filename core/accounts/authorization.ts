import type { Access } from '../../api/access';
import type { User } from '../../api/accounts-api';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../call-context';
import type { OwnerResolver } from './owner-resolver';

/**
 * Who may do what, in one place for every service:
 * - not signed in: `unauthenticated`;
 * - a role the operation needs (administrator for hosts and images): `forbidden`;
 * - something owned by another user (a VM, a console, a cluster, an operation): `not-found`,
 *   with the same words as for something that does not exist, because a user does not see
 *   other users' things at all, so a refusal must not reveal that they exist.
 *
 * Every check runs in the dispatcher's gate ({@link checkAccess}), before any service code and so
 * before any libvirt call; services only ask who the caller is, to filter or to record an owner.
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
 * The dispatcher's gate: the one place a contract entry's declared rule is decided, for the
 * parsed `input`, before any service code runs. An `owner:*` rule resolves the owner of what
 * the input names once, here; another user's thing is refused with the same words as a thing
 * that does not exist. The administrator passes every rule.
 */
export function checkAccess(
  users: SessionUsers,
  owners: OwnerResolver,
  rule: Access,
  ctx: CallContext,
  input: unknown,
): void {
  switch (rule) {
    case 'public':
      return;
    case 'signed-in':
      users.requireUser(ctx);
      return;
    case 'admin':
      users.requireAdmin(ctx);
      return;
    case 'owner:vm': {
      const user = users.requireUser(ctx);
      const ref = named(input, ['hostId', 'uuid'], rule);
      const what = `VM ${ref.uuid} on host ${ref.hostId}`;
      if (user.role !== 'admin') requireOwnership(user, owners.vm(ref), what);
      return;
    }
    case 'owner:cluster': {
      const user = users.requireUser(ctx);
      const { cluster } = named(input, ['cluster'], rule);
      if (user.role !== 'admin')
        requireOwnership(user, owners.cluster(cluster), `cluster ${cluster}`);
      return;
    }
    case 'owner:task': {
      const user = users.requireUser(ctx);
      const { id } = named(input, ['id'], rule);
      if (user.role !== 'admin') requireOwnership(user, owners.task(id), `task ${id}`);
      return;
    }
    default:
      // A value outside the known levels (a cast, a stale build) is refused, never waved through.
      throw new Error(`unknown access rule ${String(rule satisfies never)}`);
  }
}

/**
 * The string fields an owner rule reads from the input. An entry whose input lacks them is a
 * programming error (the policy table test catches it): refused, never let through.
 */
function named<K extends string>(input: unknown, keys: K[], rule: Access): Record<K, string> {
  const fields = (input ?? {}) as Record<string, unknown>;
  for (const key of keys) {
    if (typeof fields[key] !== 'string') {
      throw new CorralError('internal', `rule ${rule} needs ${keys.join(' and ')} in the input`);
    }
  }
  return fields as Record<K, string>;
}
