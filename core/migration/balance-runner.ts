import { CorralError } from '../../api/errors';
import type { MigrateRequest } from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import { balanceWaves } from '../placement/balance-waves';
import type { PlannedMove } from '../placement/balance-types';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';

/** A balance task's journaled state: the moves in plan order and how each ended. */
export interface BalanceState {
  planId: string;
  moves: PlannedMove[];
  /** Host names, for step labels and messages. */
  hostNames: Record<string, string>;
  /** Per move (same index): the migration task it started and how it ended. */
  results: Array<{ taskId?: string; status?: 'done' | 'failed' | 'skipped'; error?: string }>;
}

/** What the balance runner needs from the rest of the core. */
export interface BalanceRunnerDeps {
  /** Starts one move as a `vm-migrate` task on behalf of whoever applied plan `planId`. */
  migrate(req: MigrateRequest, planId: string): Promise<Task>;
  settled(taskId: string): Promise<Task>;
  cancel(taskId: string): Promise<unknown>;
}

export const moveStepId = (i: number) => `move-${i}`;

/**
 * Runs a plan's moves as one task, wave by wave (at most one migration per host at a time),
 * each move a migration task of its own that this one waits for. A failed move is reported in
 * its step; later moves that share a host with it are skipped (they were planned on the load
 * it would have moved), the others go on. Cancelling cancels the migrations under way.
 */
export function balanceRunner(deps: BalanceRunnerDeps): TaskRunner<BalanceState> {
  return {
    kind: 'balance',
    cancellable: true,
    async run(ctx) {
      const moves = ctx.state.moves;
      const waves = balanceWaves(moves);
      const spoiled = new Set<string>();
      let finished = 0;
      for (const wave of waves) {
        if (ctx.signal.aborted) break;
        await Promise.all(
          wave.map(async (i) => {
            const move = moves[i]!;
            if (spoiled.has(move.fromHostId) || spoiled.has(move.toHostId)) {
              record(ctx, i, {
                status: 'skipped',
                error: 'an earlier move on one of its hosts failed',
              });
              ctx.step(moveStepId(i), {
                status: 'skipped',
                detail: 'an earlier move on one of its hosts failed',
              });
              return;
            }
            const ok = await runMove(deps, ctx, i);
            if (!ok) {
              spoiled.add(move.fromHostId);
              spoiled.add(move.toHostId);
            }
            ctx.progress(++finished / moves.length);
          }),
        );
      }
      // Saving replaces the state: read the results as they are now.
      const results = ctx.state.results;
      for (let i = 0; i < moves.length; i++) {
        if (!results[i]?.status) ctx.step(moveStepId(i), { status: 'cancelled' });
      }
      if (ctx.signal.aborted) throw new CorralError('cancelled', 'balancing was cancelled');
      const failed = results.filter((r) => r?.status === 'failed').length;
      const skipped = results.filter((r) => r?.status === 'skipped').length;
      if (failed > 0) {
        throw new CorralError(
          'conflict',
          `${failed} of ${moves.length} moves failed` +
            (skipped > 0 ? ` and ${skipped} were skipped` : '') +
            '; see the steps',
        );
      }
    },
  };
}

/** One move: starts its migration, follows it to the end; true when the VM moved. */
async function runMove(
  deps: BalanceRunnerDeps,
  ctx: TaskContext<BalanceState>,
  i: number,
): Promise<boolean> {
  const move = ctx.state.moves[i]!;
  const step = moveStepId(i);
  ctx.step(step, { status: 'running', detail: 'starting the migration' });
  let task: Task;
  try {
    task = await deps.migrate(
      { hostId: move.vm.hostId, uuid: move.vm.uuid, targetHostId: move.toHostId },
      ctx.state.planId,
    );
  } catch (err) {
    return failed(ctx, i, messageOf(err));
  }
  record(ctx, i, { taskId: task.id });
  await ctx.checkpoint(ctx.state);
  ctx.step(step, { detail: `migration task ${task.id}` });
  ctx.log(`Moving ${move.vm.name}: migration task ${task.id}`);
  const onAbort = () => void deps.cancel(task.id).catch(() => undefined);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) onAbort();
  let end: Task;
  try {
    end = await deps.settled(task.id);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
  if (end.status === 'succeeded') {
    record(ctx, i, { status: 'done' });
    ctx.step(step, { status: 'done', detail: `moved (migration task ${task.id})` });
    return true;
  }
  if (end.status === 'cancelled' || end.status === 'rolled-back') {
    ctx.step(step, { status: 'cancelled', detail: `migration task ${task.id} was cancelled` });
    return failed(ctx, i, `migration task ${task.id} was cancelled`, false);
  }
  return failed(ctx, i, end.error ?? `migration task ${task.id} ended ${end.status}`);
}

function failed(ctx: TaskContext<BalanceState>, i: number, error: string, mark = true): false {
  record(ctx, i, { status: 'failed', error });
  if (mark) ctx.step(moveStepId(i), { status: 'failed', error });
  ctx.log(`Moving ${ctx.state.moves[i]!.vm.name} failed: ${error}`, 'error');
  return false;
}

function record(
  ctx: TaskContext<BalanceState>,
  i: number,
  patch: BalanceState['results'][number],
): void {
  const results = [...ctx.state.results];
  results[i] = { ...results[i], ...patch };
  ctx.save({ ...ctx.state, results });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
