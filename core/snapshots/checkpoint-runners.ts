import { CorralError } from '../../api/errors';
import { ErrorNumber, LibvirtError } from '../../native/libvirt';
import type { HostConnections } from '../hosts/host-connections';
import * as domain from '../libvirt/domain';
import type { TaskContext, TaskRunner } from '../tasks/task-runner';
import { errorText, nodeHandle, onEveryNode, type CheckpointNode } from './cluster-nodes';
import {
  createSnapshot,
  deleteSnapshot,
  isPaused,
  prepareSnapshot,
  revertTo,
  runState,
  snapshotFacts,
  vcpuFigures,
  type DomainHandle,
} from './domain-snapshots';
import { revertProblems } from './revert-check';

export interface CheckpointCreateState {
  cluster: string;
  name: string;
  description?: string;
  nodes: CheckpointNode[];
  /** Nodes this task paused and has not resumed yet (a rollback resumes them). */
  paused?: string[];
}

export interface CheckpointRevertState {
  cluster: string;
  name: string;
  nodes: CheckpointNode[];
}

export type CheckpointDeleteState = CheckpointRevertState;

export interface CheckpointRunnerOptions {
  hosts: HostConnections;
  /**
   * How long a failed checkpoint waits for an unreachable host to return so its node's part can
   * be removed (default 5 min); past it the task fails and its rollback finishes the job.
   */
  cleanupWaitMs?: number;
  /** How long the guest agent may take to answer the clock correction (default 60 s). */
  clockWaitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (from: number) => Math.round(performance.now() - from);

/**
 * Pauses every node together, snapshots them in parallel across hosts, resumes them together.
 * Each node's pause time is its step's detail. If any node fails, the checkpoint is removed from
 * every node (waiting for an unreachable host to return): a partial checkpoint is never left.
 */
export function checkpointCreateRunner(
  options: CheckpointRunnerOptions,
): TaskRunner<CheckpointCreateState> {
  const { hosts } = options;
  return {
    kind: 'checkpoint-create',
    cancellable: false,
    async run(ctx) {
      const s = ctx.state;
      const handles = await resolveAll(ctx, hosts, s.nodes, 'looking up');
      // Everything that can be read is read before the pause: the state and each snapshot's XML.
      const xmls = await Promise.all(
        s.nodes.map(async (n, i) => {
          const h = handles[i]!;
          if ((await runState(h)) !== 'running') {
            throw new CorralError('conflict', `node ${n.name} is not running`);
          }
          return prepareSnapshot(h, {
            name: s.name,
            ...(s.description ? { description: s.description } : {}),
            withMemory: true,
            checkpointOf: s.cluster,
          });
        }),
      );
      // Journaled before the first pause: after a crash, a rollback knows whom to resume.
      await ctx.checkpoint({ ...s, paused: s.nodes.map((n) => n.name) });
      const pausedAt = new Map<string, number>();
      const suspended = await onEveryNode(s.nodes, async (n) => {
        ctx.step(n.name, { status: 'running', detail: 'pausing' });
        await domain.suspend(handles[s.nodes.indexOf(n)]!.client, {
          dom: handles[s.nodes.indexOf(n)]!.dom,
        });
        pausedAt.set(n.name, performance.now());
      });
      let failure = firstFailure(s.nodes, suspended, 'pause');
      let taken: Array<PromiseSettledResult<void>> = [];
      if (!failure) {
        taken = await onEveryNode(s.nodes, async (n) => {
          ctx.step(n.name, { detail: 'snapshotting' });
          const i = s.nodes.indexOf(n);
          const t0 = performance.now();
          await createSnapshot(handles[i]!, xmls[i]!);
          ctx.log(`${n.name}: snapshot taken in ${ms(t0)} ms`);
        });
        failure = firstFailure(s.nodes, taken, 'snapshot');
      }
      // Resume together: every node this task paused, whatever happened.
      const resumed = await onEveryNode(s.nodes, async (n) => {
        if (!pausedAt.has(n.name)) return;
        const h = handles[s.nodes.indexOf(n)]!;
        await domain.resume(h.client, { dom: h.dom });
        const paused = ms(pausedAt.get(n.name)!);
        ctx.step(n.name, { detail: `paused ${paused} ms` });
        ctx.log(`${n.name}: paused ${paused} ms`);
      });
      const stillPaused = s.nodes.filter(
        (n, i) => pausedAt.has(n.name) && resumed[i]!.status === 'rejected',
      );
      ctx.save({ ...s, paused: stillPaused.map((n) => n.name) });
      if (!failure) failure = firstFailure(s.nodes, resumed, 'resume');
      if (!failure) {
        for (const n of s.nodes) ctx.step(n.name, { status: 'done' });
        ctx.progress(1);
        return;
      }
      ctx.log(`checkpoint failed (${failure}); removing it from every node`, 'error');
      for (const [i, n] of s.nodes.entries()) {
        const bad = suspended[i]!.status === 'rejected' || taken[i]?.status === 'rejected';
        if (bad) ctx.step(n.name, { status: 'failed', error: reasonOf(suspended[i], taken[i]) });
      }
      const left = await removeEverywhere(ctx, options, {
        ...s,
        paused: stillPaused.map((n) => n.name),
      });
      const note =
        left.length > 0
          ? `; still to remove (roll back once reachable): ${left.join(', ')}`
          : '; removed from every node';
      throw new CorralError('internal', `checkpoint ${s.name} failed: ${failure}${note}`);
    },
    async rollback(ctx) {
      const left = await removeEverywhere(ctx, options, ctx.state);
      if (left.length > 0) {
        throw new CorralError(
          'unavailable',
          `checkpoint ${ctx.state.name} remains on ${left.join(', ')}`,
        );
      }
    },
  };
}

/**
 * Removes the checkpoint's snapshot from every node and resumes the nodes this task paused,
 * retrying a node whose host does not answer until it does or the wait ends. Resuming first
 * also waits out a snapshot still being written on a host that lost its link. Returns the
 * nodes left.
 */
async function removeEverywhere(
  ctx: TaskContext<CheckpointCreateState>,
  options: CheckpointRunnerOptions,
  s: CheckpointCreateState,
): Promise<string[]> {
  const deadline = performance.now() + (options.cleanupWaitMs ?? 300_000);
  const paused = new Set(s.paused ?? []);
  const results = await onEveryNode(s.nodes, async (n) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const h = await nodeHandle(options.hosts, n);
        if (paused.has(n.name) && (await isPaused(h))) {
          await domain.resume(h.client, { dom: h.dom });
        }
        // A snapshot call the host got just before its link dropped may finish late: look twice.
        let removed = await deleteSnapshot(h, s.name, false);
        await sleep(1000);
        removed = (await deleteSnapshot(h, s.name, false)) || removed;
        if (removed) ctx.log(`${n.name}: checkpoint ${s.name} removed`);
        ctx.step(n.name, { status: 'rolled-back' });
        return;
      } catch (err) {
        if (performance.now() > deadline) throw err;
        if (attempt === 0)
          ctx.log(
            `${n.name}: waiting for its host to remove the checkpoint (${errorText(err)})`,
            'warn',
          );
        await sleep(2000);
      }
    }
  });
  const left = s.nodes.filter((_, i) => results[i]!.status === 'rejected');
  ctx.save({ ...s, paused: (s.paused ?? []).filter((p) => left.some((n) => n.name === p)) });
  return left.map((n) => n.name);
}

/**
 * Reverts every node paused, resumes them together, then sets each guest's clock (the guest
 * agent) to now: memory restored from the checkpoint holds the clock of that moment.
 */
export function checkpointRevertRunner(
  options: CheckpointRunnerOptions,
): TaskRunner<CheckpointRevertState> {
  const { hosts } = options;
  return {
    kind: 'checkpoint-revert',
    cancellable: false,
    async run(ctx) {
      const s = ctx.state;
      const handles = await resolveAll(ctx, hosts, s.nodes, 'checking');
      const problems = await checkpointProblems(s.nodes, handles, s.name);
      if (problems.length > 0) throw new CorralError('conflict', problems.join(' '));
      const pausedAt = new Map<string, number>();
      const reverted = await onEveryNode(s.nodes, async (n) => {
        ctx.step(n.name, { status: 'running', detail: 'reverting' });
        await revertTo(handles[s.nodes.indexOf(n)]!, s.name, 'paused');
        pausedAt.set(n.name, performance.now());
      });
      const resumed = await onEveryNode(s.nodes, async (n) => {
        if (!pausedAt.has(n.name)) return;
        const h = handles[s.nodes.indexOf(n)]!;
        await domain.resume(h.client, { dom: h.dom });
        ctx.step(n.name, { detail: `paused ${ms(pausedAt.get(n.name)!)} ms` });
      });
      const failure =
        firstFailure(s.nodes, reverted, 'revert') ?? firstFailure(s.nodes, resumed, 'resume');
      const clocks = await onEveryNode(s.nodes, async (n) => {
        if (!pausedAt.has(n.name)) return;
        await setClock(handles[s.nodes.indexOf(n)]!, options.clockWaitMs ?? 60_000);
      });
      for (const [i, n] of s.nodes.entries()) {
        const bad = reverted[i]!.status === 'rejected' || resumed[i]!.status === 'rejected';
        const pause = `paused ${pausedAt.has(n.name) ? ms(pausedAt.get(n.name)!) : 0} ms`;
        const clock = clocks[i]!;
        if (clock.status === 'rejected') {
          ctx.log(`${n.name}: guest clock not corrected (${errorText(clock.reason)})`, 'warn');
        }
        if (bad) {
          ctx.step(n.name, { status: 'failed', error: reasonOf(reverted[i], resumed[i]) });
        } else {
          ctx.step(n.name, {
            status: 'done',
            ...(clock.status === 'rejected' ? { detail: `${pause}, clock not set` } : {}),
          });
        }
      }
      if (failure) throw new CorralError('internal', `revert to ${s.name} failed: ${failure}`);
      ctx.progress(1);
    },
  };
}

/** Deletes the checkpoint's snapshot on every node (a node without it is fine). */
export function checkpointDeleteRunner(
  options: CheckpointRunnerOptions,
): TaskRunner<CheckpointDeleteState> {
  return {
    kind: 'checkpoint-delete',
    cancellable: false,
    async run(ctx) {
      const s = ctx.state;
      const results = await onEveryNode(s.nodes, async (n) => {
        ctx.step(n.name, { status: 'running' });
        const removed = await deleteSnapshot(await nodeHandle(options.hosts, n), s.name, false);
        ctx.step(n.name, { status: 'done', detail: removed ? 'deleted' : 'had none' });
      });
      const failure = firstFailure(s.nodes, results, 'delete');
      for (const [i, n] of s.nodes.entries()) {
        const r = results[i]!;
        if (r.status === 'rejected')
          ctx.step(n.name, { status: 'failed', error: errorText(r.reason) });
      }
      if (failure) throw new CorralError('internal', `deleting checkpoint ${s.name}: ${failure}`);
      ctx.progress(1);
    },
  };
}

/** Why reverting these nodes to the checkpoint would fail (missing snapshot, vCPU trap). */
export async function checkpointProblems(
  nodes: readonly CheckpointNode[],
  handles: readonly DomainHandle[],
  name: string,
): Promise<string[]> {
  const perNode = await Promise.all(
    nodes.map(async (n, i) => {
      const h = handles[i]!;
      const snap = await snapshotFacts(h, name);
      if (!snap) return [`Node ${n.name} has no snapshot of checkpoint ${name}.`];
      return revertProblems(n.name, snap, await vcpuFigures(h));
    }),
  );
  return perNode.flat();
}

/** Every node's handle, found in parallel; the task fails naming each node not found. */
async function resolveAll<S>(
  ctx: TaskContext<S>,
  hosts: HostConnections,
  nodes: readonly CheckpointNode[],
  detail: string,
): Promise<DomainHandle[]> {
  for (const n of nodes) ctx.step(n.name, { status: 'running', hostId: n.hostId, detail });
  const found = await onEveryNode(nodes, (n) => nodeHandle(hosts, n));
  const failure = firstFailure(nodes, found, 'find');
  if (failure) {
    for (const [i, n] of nodes.entries()) {
      const r = found[i]!;
      ctx.step(
        n.name,
        r.status === 'rejected'
          ? { status: 'failed', error: errorText(r.reason) }
          : { status: 'skipped' },
      );
    }
    throw new CorralError('unavailable', `checkpoint not started: ${failure}`);
  }
  return found.map((r) => (r as PromiseFulfilledResult<DomainHandle>).value);
}

/** Sets the guest clock to now through the agent, retrying while the agent wakes up. */
async function setClock(h: DomainHandle, waitMs: number): Promise<void> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const now = Date.now();
    try {
      await domain.setTime(h.client, {
        dom: h.dom,
        seconds: BigInt(Math.floor(now / 1000)),
        nseconds: (now % 1000) * 1_000_000,
        flags: 0,
      });
      return;
    } catch (err) {
      // A domain without the agent's channel will not grow one: say so at once.
      const noAgent = err instanceof LibvirtError && err.code === ErrorNumber.ARGUMENT_UNSUPPORTED;
      if (noAgent || performance.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}

function firstFailure(
  nodes: readonly CheckpointNode[],
  results: ReadonlyArray<PromiseSettledResult<unknown>>,
  what: string,
): string | undefined {
  const i = results.findIndex((r) => r.status === 'rejected');
  if (i < 0) return undefined;
  return `could not ${what} ${nodes[i]!.name}: ${errorText((results[i] as PromiseRejectedResult).reason)}`;
}

function reasonOf(...results: Array<PromiseSettledResult<unknown> | undefined>): string {
  const r = results.find((x) => x?.status === 'rejected') as PromiseRejectedResult | undefined;
  return r ? errorText(r.reason) : 'failed';
}
