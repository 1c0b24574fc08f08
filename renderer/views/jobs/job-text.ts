import type { Job, JobStatus, RankState, RunSpec } from '../../../api/jobs-api';

/** Statuses after which nothing changes any more. */
const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export const isFinished = (status: JobStatus): boolean => FINISHED.has(status);

/** A job that can still be cancelled (it builds, distributes or runs). */
export const isCancellable = (status: JobStatus): boolean =>
  !FINISHED.has(status) && status !== 'cancelling';

/** "1 h 2 min", "3 min 4 s", "5 s": how long a job ran or has run. */
export function durationText(startedAt: string, endedAt: string | undefined, now: number): string {
  const end = endedAt ? Date.parse(endedAt) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(startedAt)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The run's parameters in one line, as the history shows them ("4 ranks, 2 per node, …"). */
export function parametersText(run: RunSpec): string {
  const parts: string[] = [];
  parts.push(run.ranks === undefined ? 'every slot' : `${run.ranks} ${plural(run.ranks, 'rank')}`);
  if (run.ranksPerNode !== undefined) parts.push(`${run.ranksPerNode} per node`);
  if (run.oversubscribe) parts.push('oversubscribed');
  const o = run.options;
  if (o.mapBy) parts.push(`map by ${o.mapBy}`);
  if (o.bindTo) parts.push(`bind to ${o.bindTo}`);
  if (o.timeoutSeconds !== undefined) parts.push(`timeout ${o.timeoutSeconds} s`);
  if (o.reportBindings) parts.push('bindings reported');
  if (run.args.length > 0) parts.push(`args: ${run.args.join(' ')}`);
  if (run.env.length > 0) parts.push(`env: ${run.env.map((e) => e.name).join(', ')}`);
  if (run.stdin !== undefined) parts.push('stdin for rank 0');
  return parts.join(', ');
}

const plural = (n: number, word: string) => (n === 1 ? word : `${word}s`);

/** A rank pane's title. */
export const rankTitle = (r: Pick<RankState, 'rank' | 'node'>): string =>
  `rank ${r.rank} on ${r.node}`;

/** How a rank stands or ended, in words ("running", "exit code 0", "killed by SIGSEGV"). */
export function rankOutcome(r: RankState): string {
  switch (r.status) {
    case 'pending':
      return 'not started';
    case 'running':
      return 'running';
    case 'exited':
      return r.exitCode === undefined ? 'exited' : `exit code ${r.exitCode}`;
    case 'signalled':
      return `killed by ${r.signal ?? 'a signal'}`;
    case 'lost':
      return 'lost (its node stopped answering)';
  }
}

/** A rank that ended badly: a signal, a non-zero exit, or lost. */
export const rankFailed = (r: RankState): boolean =>
  r.status === 'signalled' ||
  r.status === 'lost' ||
  (r.status === 'exited' && r.exitCode !== undefined && r.exitCode !== 0);

/** One row of the timeline: times relative to the job's start, in seconds. */
export interface TimelineRow {
  rank: number;
  node: string;
  startSecond?: number;
  endSecond?: number;
  outcome: string;
  failed: boolean;
}

/** Ranks in order with when they started and ended, relative to the job's start. */
export function timelineRows(job: Pick<Job, 'startedAt' | 'ranks'>): TimelineRow[] {
  const t0 = Date.parse(job.startedAt);
  const rel = (at: string | undefined) =>
    at === undefined ? undefined : Math.max(0, Math.round((Date.parse(at) - t0) / 100) / 10);
  return [...job.ranks]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => ({
      rank: r.rank,
      node: r.node,
      startSecond: rel(r.startedAt),
      endSecond: rel(r.endedAt),
      outcome: rankOutcome(r),
      failed: rankFailed(r),
    }));
}

/**
 * The first failure as a sentence: core's own when it has one, else the rank that ended badly
 * first (by its end time).
 */
export function firstFailureText(job: Pick<Job, 'firstFailure' | 'ranks'>): string | undefined {
  if (job.firstFailure) return job.firstFailure;
  const failed = job.ranks
    .filter(rankFailed)
    .sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? '') || a.rank - b.rank);
  const first = failed[0];
  return first ? `${rankTitle(first)}: ${rankOutcome(first)}` : undefined;
}

/** The job's status in words, with why it ended when it did not end by itself. */
export function statusText(job: Pick<Job, 'status' | 'reason'>): string {
  return job.reason && job.status !== 'succeeded' ? `${job.status} (${job.reason})` : job.status;
}

/** "hello.c #3f2a": a job's short name for tabs and dialogs. */
export const jobLabel = (job: Pick<Job, 'id' | 'program'>): string =>
  `${job.program.name} (${job.id.slice(0, 8)})`;
