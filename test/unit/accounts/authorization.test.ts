import { describe, expect, it } from 'vitest';
import type { User } from '../../../api/accounts-api';
import { CorralError } from '../../../api/errors';
import {
  canAccess,
  requireOwnership,
  type SessionUsers,
} from '../../../core/accounts/authorization';
import { VmAccess } from '../../../core/accounts/vm-access';
import type { CallContext } from '../../../core/call-context';

const admin: User = { id: 'a-1', username: 'root', role: 'admin' };
const alice: User = { id: 'u-1', username: 'alice', role: 'user' };
const bob: User = { id: 'u-2', username: 'bob', role: 'user' };

/** Sessions bound to users, as AccountsService keeps them. */
function users(bySession: Record<string, User>): SessionUsers {
  const me = (ctx: CallContext) => ({ user: bySession[ctx.sessionId] ?? null });
  return {
    me,
    requireUser(ctx) {
      const { user } = me(ctx);
      if (!user) throw new CorralError('unauthenticated', 'Log in first.');
      return user;
    },
    requireAdmin(ctx) {
      const user = this.requireUser(ctx);
      if (user.role !== 'admin') throw new CorralError('forbidden', 'administrator only');
      return user;
    },
  };
}

describe('canAccess / requireOwnership', () => {
  it('lets the owner and the administrator in, nobody else', () => {
    expect(canAccess(alice, alice.id)).toBe(true);
    expect(canAccess(admin, alice.id)).toBe(true);
    expect(canAccess(admin, undefined)).toBe(true);
    expect(canAccess(bob, alice.id)).toBe(false);
    expect(canAccess(alice, undefined)).toBe(false);
    expect(canAccess(null, alice.id)).toBe(false);
  });

  it("refuses another user's thing as not-found, naming it without saying whose it is", () => {
    expect(() => requireOwnership(alice, alice.id, 'cluster web')).not.toThrow();
    let err: unknown;
    try {
      requireOwnership(bob, alice.id, 'cluster web');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CorralError);
    expect(err).toMatchObject({ code: 'not-found' });
    expect((err as Error).message).toContain('cluster web');
    expect((err as Error).message).not.toContain(alice.username);
  });
});

describe('VmAccess', () => {
  const owners: Record<string, string | undefined> = { 'h1/vm-a': alice.id };
  const access = new VmAccess(
    users({ s1: alice, s2: bob, s3: admin }),
    (ref) => owners[`${ref.hostId}/${ref.uuid}`],
  );
  const vmA = { hostId: 'h1', uuid: 'vm-a' };
  const unknown = { hostId: 'h1', uuid: 'vm-x' };

  it('decides from the cached owner: owner and administrator yes, others not-found', () => {
    expect(access.require(vmA, { sessionId: 's1' })).toBe(alice);
    expect(access.require(vmA, { sessionId: 's3' })).toBe(admin);
    expect(() => access.require(vmA, { sessionId: 's2' })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(access.canSee(vmA, { sessionId: 's2' })).toBe(false);
    expect(access.canSee(vmA, { sessionId: 's1' })).toBe(true);
  });

  it('a VM with no known owner is the administrator only', () => {
    expect(() => access.require(unknown, { sessionId: 's1' })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(access.require(unknown, { sessionId: 's3' })).toBe(admin);
  });

  it('a session without a user is unauthenticated', () => {
    expect(() => access.require(vmA, { sessionId: 'nobody' })).toThrow(
      expect.objectContaining({ code: 'unauthenticated' }),
    );
    expect(access.canSee(vmA, { sessionId: 'nobody' })).toBe(false);
  });
});
