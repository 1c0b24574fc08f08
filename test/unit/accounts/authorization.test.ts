import { describe, expect, it } from 'vitest';
import type { User } from '../../../api/accounts-api';
import { CorralError } from '../../../api/errors';
import type { Access } from '../../../api/access';
import {
  canAccess,
  checkAccess,
  requireOwnership,
  type SessionUsers,
} from '../../../core/accounts/authorization';
import type { OwnerResolver } from '../../../core/accounts/owner-resolver';
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

describe('checkAccess: the gate, with owners resolved from what core holds', () => {
  const ids = users({ s1: alice, s2: bob, s3: admin });
  const owned: Record<string, string> = {
    'vm:h1/vm-a': alice.id,
    'cluster:web': alice.id,
    'task:op-1': alice.id,
  };
  const owners: OwnerResolver = {
    vm: (ref) => owned[`vm:${ref.hostId}/${ref.uuid}`],
    cluster: (name) => owned[`cluster:${name}`],
    task: (id) => owned[`task:${id}`],
  };
  const gate = (rule: Access, sessionId: string, input: unknown) => () =>
    checkAccess(ids, owners, rule, { sessionId }, input);
  const vmA = { hostId: 'h1', uuid: 'vm-a', action: 'start' };
  const cases: Array<[Access, Record<string, string>, Record<string, string>]> = [
    ['owner:vm', vmA, { ...vmA, uuid: 'vm-x' }],
    ['owner:cluster', { cluster: 'web' }, { cluster: 'db' }],
    ['owner:task', { id: 'op-1' }, { id: 'op-9' }],
  ];

  it("lets the owner and the administrator in; another user's thing reads like a missing one", () => {
    for (const [rule, theirs, missing] of cases) {
      expect(gate(rule, 's1', theirs)).not.toThrow();
      expect(gate(rule, 's3', theirs)).not.toThrow();
      // The administrator passes even where no owner is known (the service says "not found").
      expect(gate(rule, 's3', missing)).not.toThrow();
      const foreign = errorOf(gate(rule, 's2', theirs));
      expect(foreign).toMatchObject({ code: 'not-found' });
      expect(foreign.message).not.toContain(alice.username);
      expect(foreign.message).not.toContain(alice.id);
      expect(errorOf(gate(rule, 's1', missing))).toMatchObject({ code: 'not-found' });
    }
  });

  it('a session without a user is unauthenticated under every rule but public', () => {
    expect(gate('public', 'nobody', {})).not.toThrow();
    for (const rule of ['signed-in', 'admin', 'owner:vm', 'owner:cluster', 'owner:task'] as const) {
      expect(errorOf(gate(rule, 'nobody', vmA))).toMatchObject({ code: 'unauthenticated' });
    }
    expect(errorOf(gate('admin', 's1', {}))).toMatchObject({ code: 'forbidden' });
  });

  it('an owner rule on an input that does not name its thing is refused, never waved through', () => {
    expect(errorOf(gate('owner:vm', 's1', { hostId: 'h1' }))).toMatchObject({ code: 'internal' });
    expect(errorOf(gate('owner:task', 's3', undefined))).toMatchObject({ code: 'internal' });
    expect(errorOf(gate('everyone' as Access, 's3', {}))).toBeInstanceOf(Error);
  });
});

function errorOf(fn: () => void): CorralError {
  try {
    fn();
  } catch (err) {
    return err as CorralError;
  }
  throw new Error('expected a refusal');
}
