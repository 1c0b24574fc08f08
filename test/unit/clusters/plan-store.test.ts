import { describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import { PlanStore, planInputs, type PlanKey } from '../../../core/clusters/plan-store';

const key = (over: Partial<PlanKey> = {}): PlanKey => ({
  ownerId: 'alice',
  kind: 'create',
  cluster: 'web',
  inputs: planInputs({ name: 'web', nodes: 2 }),
  ...over,
});

/** A store on a clock the test moves. */
function store(ttlMs = 60_000, max = 1000) {
  const clock = { now: 1_000_000 };
  return { clock, plans: new PlanStore<string>(ttlMs, () => clock.now, max) };
}

function refusal(fn: () => unknown): CorralError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CorralError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('plan store: a preview is built exactly once, by its owner, for its inputs, in time', () => {
  it('gives back the stored plan for the same owner and inputs, once', () => {
    const { plans } = store();
    const id = plans.put(key(), 'the plan');
    expect(id).toMatch(/^plan-[0-9a-f-]{36}$/);
    expect(plans.take(id, key())).toBe('the plan');
    // Used: a second confirmation of the same preview is refused, not built twice.
    expect(refusal(() => plans.take(id, key()))).toMatchObject({ code: 'not-found' });
  });

  it("refuses another user's plan as unknown, and keeps it for its owner", () => {
    const { plans } = store();
    const id = plans.put(key(), 'alice plan');
    const err = refusal(() => plans.take(id, key({ ownerId: 'bob' })));
    expect(err.code).toBe('not-found');
    expect(err.message).toMatch(/is unknown .*preview again/);
    expect(err.message).not.toMatch(/alice/);
    expect(plans.take(id, key())).toBe('alice plan');
  });

  it('refuses a plan made for other inputs, kind or cluster, naming why', () => {
    const { plans } = store();
    const id = plans.put(key(), 'p');
    for (const other of [
      key({ inputs: planInputs({ name: 'web', nodes: 3 }) }),
      key({ kind: 'add-nodes' }),
      key({ cluster: 'db' }),
    ]) {
      const err = refusal(() => plans.take(id, other));
      expect(err.code).toBe('bad-request');
      expect(err.message).toMatch(/made for other inputs than these; preview again/);
    }
  });

  it('refuses an expired plan and forgets it', () => {
    const { plans, clock } = store(60_000);
    const id = plans.put(key(), 'p');
    clock.now += 60_001;
    const err = refusal(() => plans.take(id, key()));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/has expired .*preview again/);
    expect(plans.size).toBe(0);
  });

  it('accepts a plan up to its last moment', () => {
    const { plans, clock } = store(60_000);
    const id = plans.put(key(), 'p');
    clock.now += 60_000;
    expect(plans.take(id, key())).toBe('p');
  });

  it('stays bounded: expired plans are pruned and the oldest go first', () => {
    const { plans, clock } = store(60_000, 3);
    const first = plans.put(key(), 'a');
    plans.put(key(), 'b');
    plans.put(key(), 'c');
    plans.put(key(), 'd');
    expect(plans.size).toBe(3);
    expect(refusal(() => plans.take(first, key())).code).toBe('not-found');
    clock.now += 120_000;
    plans.put(key(), 'e');
    expect(plans.size).toBe(1);
  });
});

describe('plan inputs: canonical whatever the key order, without the omitted keys', () => {
  it('matches objects built in another key order', () => {
    expect(planInputs({ a: 1, b: { d: [1, { f: 2, e: 1 }], c: 3 } })).toBe(
      planInputs({ b: { c: 3, d: [1, { e: 1, f: 2 }] }, a: 1 }),
    );
    expect(planInputs({ a: [1, 2] })).not.toBe(planInputs({ a: [2, 1] }));
  });

  it('leaves out what does not shape the placement (a console password)', () => {
    const spec = { name: 'web', console: { kind: 'password', password: 'secret-123' } };
    const text = planInputs(spec, ['console']);
    expect(text).not.toContain('secret-123');
    expect(text).toBe(planInputs({ name: 'web', console: { kind: 'autologin' } }, ['console']));
  });
});
