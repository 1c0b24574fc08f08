import type { Disposable } from '../../api/disposable';
import { DisposableStore } from '../../api/disposable';
import { CorralError } from '../../api/errors';
import type { Task } from '../../api/tasks-api';
import type { HostConnections } from '../hosts/host-connections';
import { Logger } from '../logging/logger';
import type { TaskSummary } from '../tasks/task-engine';
import type { TaskContext } from '../tasks/task-runner';
import type { MigrationState } from './migration-state';
import { reconcileMigration } from './reconcile-migration';

/** The task engine as the reconciler uses it. */
export interface ReconcileTasks {
  select(match: (task: TaskSummary) => boolean): Task[];
  stateOf(id: string): unknown;
  resume(id: string, by?: string): Promise<Task>;
  onChanged(listener: (task: Task) => void): Disposable;
}

/** Who resumes interrupted migrations at start (named in the task's log). */
export const SYSTEM = 'Corral at start (reconciling)';
/** Leftovers of failed migrations older than this are left alone (a later move may own them). */
const LEFTOVER_MAX_AGE_MS = 24 * 60 * 60_000;
/** A reconcile that failed with both hosts online (a copy vanished under it) is tried again. */
const RETRY_MS = 10_000;
const MAX_ATTEMPTS = 30;
const RESUME_ATTEMPTS = 10;
const ONLINE_SETTLE_MS = 2_000;
const RESUME_RETRY_MS = 3_000;

const log = new Logger('migration');

/**
 * The runner's `resume`: an interrupted migration is never carried on blindly. Both hosts are
 * asked what they have, one copy is kept (see reconcile-decision), and the task ends: succeeded
 * when the VM ended on the target, failed (with the reason) when it stayed on the source.
 */
export async function resumeByReconcile(
  ctx: TaskContext<MigrationState>,
  hosts: HostConnections,
): Promise<void> {
  const state = ctx.state;
  const decision = await reconcileWithRetries(hosts, state, ctx);
  if (decision.keep === 'target') {
    await ctx.checkpoint({ ...state, phase: 'done', sourceVolumes: [] });
    for (const id of ['migrating', 'verify', 'cleanup-source']) ctx.step(id, { status: 'done' });
    ctx.log(`${state.vm.name} runs on the target; the source's copy and volumes are gone`);
    return;
  }
  await ctx.checkpoint({ ...state, targetVolumes: [] });
  if (decision.keep === 'none') {
    throw new CorralError('internal', `the migration was interrupted and ${decision.reason}`);
  }
  throw new CorralError(
    'unavailable',
    `the migration was interrupted; ${state.vm.name} stays on the source (${decision.reason})`,
  );
}

/**
 * Right after a crash a host may still be finishing libvirt's side of the cut-off migration (a
 * job that holds the domain a moment longer): an action refused then is tried again from a
 * fresh look at both hosts. A host that cannot be reached is not retried here.
 */
async function reconcileWithRetries(
  hosts: HostConnections,
  state: MigrationState,
  ctx: TaskContext<MigrationState>,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await reconcileMigration(hosts, state, {
        log: (text, level) => ctx.log(text, level),
        signal: ctx.signal,
      });
    } catch (err) {
      const unreachable = err instanceof CorralError && err.code === 'unavailable';
      if (unreachable || ctx.signal.aborted || attempt >= RESUME_ATTEMPTS) throw err;
      ctx.log(`Reconcile attempt ${attempt} failed (${String(err)}); looking again`, 'warn');
      await new Promise((r) => setTimeout(r, RESUME_RETRY_MS));
    }
  }
}

/** Whether a finished migration task may have left something on a host. */
function leftovers(task: Task, state: MigrationState | undefined): boolean {
  if (!state || task.kind !== 'vm-migrate') return false;
  if (task.status !== 'failed' && task.status !== 'cancelled') return false;
  const late = state.phase === 'verify' || state.phase === 'cleanup-source';
  return state.targetVolumes.length > 0 || (late && state.sourceVolumes.length > 0);
}

/**
 * Makes interrupted and half-undone migrations whole: at start every `vm-migrate` task found
 * interrupted is resumed (its resume reconciles both hosts); a failed one that could not undo
 * its side (a host dropped mid-migration) is reconciled once both hosts are reachable again.
 */
export class MigrationReconciler implements Disposable {
  private readonly store = new DisposableStore();
  /** Failed tasks waiting for their hosts, by task id. */
  private readonly waiting = new Map<string, MigrationState>();
  private readonly done = new Set<string>();
  private readonly running = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly hosts: HostConnections,
    private readonly tasks: ReconcileTasks,
  ) {}

  start(): void {
    // A moment after, so the host is in `online()` and its own readers have started.
    this.store.add(this.hosts.onHostOnline(() => this.retrySoon(ONLINE_SETTLE_MS)));
    this.store.add(this.tasks.onChanged((task) => this.consider(task, false)));
    const mine = this.tasks.select((t) => t.kind === 'vm-migrate');
    for (const task of mine) {
      if (task.status === 'interrupted') {
        this.tasks.resume(task.id, SYSTEM).catch((err: unknown) => {
          log.warn('could not resume an interrupted migration', {
            task: task.id,
            error: String(err),
          });
        });
      } else this.consider(task, true);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.store.dispose();
    this.waiting.clear();
  }

  private consider(task: Task, atStart: boolean): void {
    if (this.done.has(task.id) || this.waiting.has(task.id)) return;
    const state = this.tasks.stateOf(task.id) as MigrationState | undefined;
    if (!leftovers(task, state)) return;
    const ended = task.endedAt ? Date.parse(task.endedAt) : Date.now();
    if (atStart && Date.now() - ended > LEFTOVER_MAX_AGE_MS) return;
    this.waiting.set(task.id, state!);
    this.retry();
  }

  /** Reconciles each waiting task whose hosts are both online (and no newer move of the VM). */
  private retry(): void {
    const online = new Set(this.hosts.online().map((h) => h.hostId));
    for (const [id, state] of this.waiting) {
      if (this.running.has(id)) continue;
      if (!online.has(state.sourceHostId) || !online.has(state.targetHostId)) continue;
      if (this.newerMove(id, state.vm.uuid)) {
        this.waiting.delete(id);
        continue;
      }
      this.running.add(id);
      reconcileMigration(this.hosts, state, {
        waitOnlineMs: 0,
        log: (text, level = 'info') => log[level](text, { task: id }),
      })
        .then(
          () => {
            this.waiting.delete(id);
            this.done.add(id);
          },
          (err: unknown) => {
            const n = (this.attempts.get(id) ?? 0) + 1;
            this.attempts.set(id, n);
            log.warn('reconciling a failed migration failed; trying again', {
              task: id,
              attempt: n,
              error: String(err),
            });
            if (n >= MAX_ATTEMPTS) this.waiting.delete(id);
            else this.retrySoon(RETRY_MS);
          },
        )
        .finally(() => this.running.delete(id));
    }
  }

  private retrySoon(ms: number): void {
    if (this.waiting.size === 0) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.retry();
    }, ms);
  }

  /** Another migration of the VM started after this one: what is on the hosts is its business. */
  private newerMove(id: string, uuid: string): boolean {
    const moves = this.tasks.select(
      (t) => t.kind === 'vm-migrate' && t.targets.some((x) => x.kind === 'vm' && x.uuid === uuid),
    );
    const index = moves.findIndex((t) => t.id === id);
    return index > 0; // newest first
  }
}
