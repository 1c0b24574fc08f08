import { randomUUID } from 'node:crypto';
import { CorralError } from '../../api/errors';

/** How long a previewed placement can be built from (the person reads it, then confirms). */
export const PLAN_TTL_MS = 10 * 60_000;

/** What a plan was made for: who asked, for which operation, and the inputs that shaped it. */
export interface PlanKey {
  ownerId: string;
  kind: 'create' | 'add-nodes';
  cluster: string;
  /** The inputs that decide the placement, canonical (see `planInputs`). */
  inputs: string;
}

interface Entry<P> {
  key: PlanKey;
  plan: P;
  at: number;
}

/**
 * Previewed plans, by id, so that confirming builds exactly what the person was shown rather
 * than a new plan from whatever changed meanwhile. In memory only: a restart forgets them and
 * the person previews again. A plan is used once: taking it removes it.
 */
export class PlanStore<P> {
  private readonly entries = new Map<string, Entry<P>>();

  constructor(
    private readonly ttlMs = PLAN_TTL_MS,
    private readonly now: () => number = Date.now,
    private readonly max = 1000,
  ) {}

  /** Keeps `plan` for its owner; returns its id. */
  put(key: PlanKey, plan: P): string {
    this.prune();
    // Unbounded previews must not grow memory: the oldest plans go first.
    while (this.entries.size >= this.max) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    const id = `plan-${randomUUID()}`;
    this.entries.set(id, { key, plan, at: this.now() });
    return id;
  }

  /**
   * The plan `id` when it was made for `key` and has not expired; removes it. Another user's
   * plan reads as unknown, so an id reveals nothing about whose it is.
   */
  take(id: string, key: PlanKey): P {
    const entry = this.entries.get(id);
    if (!entry || entry.key.ownerId !== key.ownerId) {
      throw new CorralError(
        'not-found',
        `placement preview ${id} is unknown (previews are forgotten when Corral restarts); preview again`,
      );
    }
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(id);
      throw new CorralError(
        'conflict',
        `placement preview ${id} has expired (previews are kept ${Math.round(this.ttlMs / 60_000)} minutes); preview again`,
      );
    }
    if (
      entry.key.kind !== key.kind ||
      entry.key.cluster !== key.cluster ||
      entry.key.inputs !== key.inputs
    ) {
      throw new CorralError(
        'bad-request',
        `placement preview ${id} was made for other inputs than these; preview again`,
      );
    }
    this.entries.delete(id);
    return entry.plan;
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, e] of this.entries) if (now - e.at > this.ttlMs) this.entries.delete(id);
  }
}

/**
 * The inputs that shape a plan as one canonical string (keys sorted at every level), so a
 * preview and a confirmation match however their objects were built. `omit` names top-level
 * keys that do not shape the placement (a console password must not be kept in memory).
 */
export function planInputs(input: Record<string, unknown>, omit: readonly string[] = []): string {
  const keep = Object.fromEntries(Object.entries(input).filter(([k]) => !omit.includes(k)));
  return JSON.stringify(sorted(keep));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
