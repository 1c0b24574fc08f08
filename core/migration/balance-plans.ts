import { randomUUID } from 'node:crypto';
import { CorralError } from '../../api/errors';
import type { BalancePlan } from '../../api/migration-api';

/** How long a previewed balance plan can be applied (hosts' load changes; preview again). */
export const BALANCE_PLAN_TTL_MS = 10 * 60_000;

/**
 * Previewed balance plans by id, in memory: applying runs exactly the moves the administrator
 * read. A plan is used once; a restart forgets them all.
 */
export class BalancePlans {
  private readonly plans = new Map<string, { plan: BalancePlan; at: number }>();

  constructor(
    private readonly ttlMs = BALANCE_PLAN_TTL_MS,
    private readonly now: () => number = Date.now,
    private readonly max = 100,
  ) {}

  /** Keeps a plan made at `now`; returns it with its new id. */
  put(plan: Omit<BalancePlan, 'planId' | 'createdAt'>): BalancePlan {
    this.prune();
    while (this.plans.size >= this.max) this.plans.delete(this.plans.keys().next().value!);
    const kept: BalancePlan = {
      ...plan,
      planId: `balance-${randomUUID()}`,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.plans.set(kept.planId, { plan: kept, at: this.now() });
    return kept;
  }

  /** The plan if it is still kept and fresh (not removed). */
  peek(id: string): BalancePlan | undefined {
    const e = this.plans.get(id);
    return e && this.now() - e.at <= this.ttlMs ? e.plan : undefined;
  }

  /** Removes and returns the plan `id`; refuses an unknown or expired one, saying what to do. */
  take(id: string): BalancePlan {
    const e = this.plans.get(id);
    if (!e) {
      throw new CorralError(
        'not-found',
        `balance plan ${id} is unknown (plans are forgotten when Corral restarts or once applied); preview again`,
      );
    }
    this.plans.delete(id);
    if (this.now() - e.at > this.ttlMs) {
      throw new CorralError(
        'conflict',
        `balance plan ${id} has expired (plans are kept ${Math.round(this.ttlMs / 60_000)} minutes); preview again`,
      );
    }
    return e.plan;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, e] of this.plans) if (now - e.at > this.ttlMs) this.plans.delete(id);
  }
}
