import type { Disposable } from '../../api/disposable';
import { CorralError } from '../../api/errors';
import type { HostFacts, StatsSubject, Vm } from '../../api/inventory-api';
import {
  BalancePolicy,
  type BalanceAuto,
  type BalancePlan,
  type MigrateRequest,
} from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import type { CallContext } from '../call-context';
import type { LoadSeriesLike } from '../placement/load-window';
import { windowWords } from '../placement/balance-words';
import { planBalance } from '../placement/plan-balance';
import type { ReportDataProblem } from '../persistence/data-problems';
import type { TaskRunner, TaskStarter } from '../tasks/task-runner';
import { BalanceAutoStore } from './balance-auto-store';
import { balanceInputs } from './balance-inputs';
import { BalancePlans } from './balance-plans';
import { balanceRunner, moveStepId, type BalanceState } from './balance-runner';

export interface BalanceServiceOptions {
  dataDir: string;
  report?: ReportDataProblem;
  inventory: {
    snapshot(): { hosts: HostFacts[]; vms: Vm[] };
    history(subject: StatsSubject): LoadSeriesLike;
  };
  tasks: TaskStarter & {
    register(runner: TaskRunner<BalanceState>): void;
    cancel(id: string): Promise<unknown>;
  };
  /** Starts one migration as the caller `ctx` (the migration service checks and runs it). */
  migrate(req: MigrateRequest, ctx: CallContext): Promise<Task>;
  /** The administrator calling (throws for anyone else). */
  adminOf(ctx: CallContext): { id: string };
  /** Tells the administrator something Corral did on its own. */
  notify(message: string): void;
  /** How often automatic mode looks at the hosts (ms); 0 leaves it to `checkAuto`. */
  autoIntervalMs?: number;
  now?: () => number;
}

/**
 * Spreading load across hosts: a plan from the hosts' recent load (nothing moves until it is
 * applied), applied as one task of migrations. Automatic mode only proposes: when a host stays
 * over its thresholds for the window it keeps a plan and tells the administrator.
 */
export class BalanceService implements Disposable {
  private readonly plans: BalancePlans;
  private readonly autoStore: BalanceAutoStore;
  private readonly now: () => number;
  /** Who applied each plan under way: its moves start as that administrator. */
  private readonly appliers = new Map<string, CallContext>();
  private proposalId: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: BalanceServiceOptions) {
    this.now = options.now ?? Date.now;
    this.plans = new BalancePlans(undefined, this.now);
    this.autoStore = new BalanceAutoStore(options.dataDir, options.report);
    options.tasks.register(
      balanceRunner({
        migrate: (req, planId) => {
          const ctx = this.appliers.get(planId);
          if (!ctx) {
            throw new CorralError(
              'unavailable',
              'the balance task lost who applied it (Corral restarted)',
            );
          }
          return options.migrate(req, ctx);
        },
        settled: (id) => options.tasks.settled(id),
        cancel: (id) => options.tasks.cancel(id),
      }),
    );
    const every = options.autoIntervalMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => this.checkAuto(), every);
      this.timer.unref?.();
    }
  }

  async preview(policy: Partial<BalancePolicy>, ctx: CallContext): Promise<BalancePlan> {
    this.options.adminOf(ctx);
    return this.plan(this.policyFrom(policy));
  }

  async apply(planId: string, ctx: CallContext): Promise<Task> {
    const admin = this.options.adminOf(ctx);
    const plan = this.plans.take(planId);
    if (planId === this.proposalId) this.proposalId = undefined;
    if (plan.moves.length === 0) {
      throw new CorralError('bad-request', 'this plan moves nothing; there is nothing to apply');
    }
    const { hosts, vms } = this.options.inventory.snapshot();
    for (const move of plan.moves) {
      const now = vms.find((v) => v.uuid.toLowerCase() === move.vm.uuid.toLowerCase() && !v.stale);
      if (!now || now.hostId !== move.fromHostId) {
        throw new CorralError(
          'conflict',
          `${move.vm.name} is no longer where the plan found it; preview again`,
        );
      }
    }
    const names = Object.fromEntries(hosts.map((h) => [h.hostId, h.hostname]));
    const nameOf = (id: string) => names[id] ?? id;
    this.appliers.set(planId, ctx);
    const task = await this.options.tasks.start<BalanceState>({
      kind: 'balance',
      ownerId: admin.id,
      title: `Balance hosts: ${plan.moves.length} move${plan.moves.length > 1 ? 's' : ''}`,
      targets: plan.moves.map((m) => ({
        kind: 'vm',
        hostId: m.vm.hostId,
        uuid: m.vm.uuid,
        name: m.vm.name,
      })),
      steps: plan.moves.map((m, i) => ({
        id: moveStepId(i),
        label: `Move ${m.vm.name} from ${nameOf(m.fromHostId)} to ${nameOf(m.toHostId)}`,
        hostId: m.fromHostId,
        detail: m.reason,
      })),
      state: { planId, moves: plan.moves, hostNames: names, results: [] },
    });
    void this.options.tasks.settled(task.id).finally(() => this.appliers.delete(planId));
    return task;
  }

  auto(): BalanceAuto {
    const { enabled, policy } = this.autoStore.get();
    const proposal = this.proposalId ? this.plans.peek(this.proposalId) : undefined;
    if (!proposal) this.proposalId = undefined;
    return { enabled, policy, ...(proposal ? { proposal } : {}) };
  }

  setAuto(enabled: boolean, policy: Partial<BalancePolicy> | undefined): BalanceAuto {
    const next = this.policyFrom(policy ?? {});
    this.autoStore.set({ enabled, policy: next });
    if (!enabled) this.proposalId = undefined;
    else this.checkAuto();
    return this.auto();
  }

  /**
   * Automatic mode's look at the hosts: when enabled and a host has been over its thresholds
   * for the whole window, keeps a plan as the proposal and tells the administrator (once per
   * new set of moves). Never applies it.
   */
  checkAuto(): void {
    const { enabled, policy } = this.autoStore.get();
    if (!enabled) return;
    let plan: BalancePlan;
    try {
      plan = this.plan(policy, { wholeWindow: true });
    } catch {
      return; // no host facts yet, or thresholds refused: nothing to propose
    }
    if (plan.moves.length === 0) return;
    const previous = this.proposalId ? this.plans.peek(this.proposalId) : undefined;
    const same =
      previous !== undefined &&
      JSON.stringify(previous.moves.map((m) => [m.vm.uuid, m.toHostId])) ===
        JSON.stringify(plan.moves.map((m) => [m.vm.uuid, m.toHostId]));
    this.proposalId = plan.planId;
    if (same) return;
    this.options.notify(
      `Balancing proposes ${plan.moves.length} move${plan.moves.length > 1 ? 's' : ''}: ` +
        plan.moves.map((m) => m.reason).join('; ') +
        '. Open Balance hosts to review and apply it.',
    );
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private policyFrom(partial: Partial<BalancePolicy>): BalancePolicy {
    const parsed = BalancePolicy.safeParse({ ...this.autoStore.get().policy, ...partial });
    if (!parsed.success) {
      throw new CorralError(
        'bad-request',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    return parsed.data;
  }

  /** A plan from the hosts' load now; with `wholeWindow`, moves only when the history covers the window. */
  private plan(policy: BalancePolicy, opts: { wholeWindow?: boolean } = {}): BalancePlan {
    const { hosts, vms } = this.options.inventory.snapshot();
    const windowMs = policy.windowSeconds * 1000;
    const inputs = balanceInputs(
      hosts,
      vms,
      {
        host: (hostId) => this.options.inventory.history({ kind: 'host', hostId }),
        vm: (uuid) => {
          const at = vms.find((v) => v.uuid === uuid)!;
          return this.options.inventory.history({ kind: 'vm', hostId: at.hostId, uuid });
        },
      },
      windowMs,
      this.now(),
    );
    const planned = planBalance(inputs.hosts, inputs.vms, policy);
    const notes = [...inputs.notes];
    // Samples come every few seconds: a window short of one period is still whole.
    const short = inputs.hosts.length > 0 && inputs.coveredMs < windowMs * 0.8;
    if (short) {
      notes.push(
        `the load history covers only the last ${windowWords(Math.round(inputs.coveredMs / 1000))} ` +
          `of the ${windowWords(policy.windowSeconds)} window`,
      );
    }
    if (inputs.hosts.length === 0) notes.push('no host is connected');
    const moves = opts.wholeWindow && short ? [] : planned.moves;
    return this.plans.put({
      policy,
      moves,
      before: planned.before,
      after: moves.length === planned.moves.length ? planned.after : planned.before,
      notes: [...notes, ...planned.notes],
    });
  }
}
