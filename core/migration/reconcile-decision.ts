/**
 * What to do with a migration that was interrupted (Corral died, a host dropped, a libvirt step
 * failed half-way), decided from the runner's journaled phase and what each host reports now.
 * Pure: the executor gathers the reports and carries out the actions. The goal, whatever failed:
 * exactly one running copy (or one definition when the VM was shut off), no second definition,
 * and none of the volumes the migration created or left behind.
 */

/** The runner's phases, in order (its journal says which one was reached last). */
export type MigrationPhase = 'prepare-target' | 'migrating' | 'verify' | 'cleanup-source' | 'done';

/** The part of the runner's journaled state the decision reads. */
export interface ReconcileJournal {
  mode: 'live' | 'offline';
  phase: MigrationPhase;
  /** Volume paths the migration created on the target. */
  targetVolumes: readonly string[];
  /** The VM's volume paths on the source (its overlay and seed). */
  sourceVolumes: readonly string[];
}

/** A copy of the domain as one host reports it. */
export type CopyState = 'running' | 'paused' | 'shut-off';

export interface HostReport {
  /** Absent when the host has no domain of this UUID. */
  domain?: { state: CopyState; persistent: boolean };
  /** Which of the journaled paths exist on this host. */
  volumesPresent: readonly string[];
}

export type Side = 'source' | 'target';

export type ReconcileAction =
  /** Kill a copy (a paused or stale duplicate). */
  | { kind: 'destroy'; side: Side }
  /** Let a paused copy run again. */
  | { kind: 'resume'; side: Side }
  /** Make a transient copy (one Finish never made persistent) persistent with its own XML. */
  | { kind: 'persist'; side: Side }
  /** Remove a copy's definition. */
  | { kind: 'undefine'; side: Side }
  | { kind: 'delete-volume'; side: Side; path: string };

export interface ReconcileDecision {
  /** The copy that stays; `none` when no copy exists at all (nothing is deleted then). */
  keep: Side | 'none';
  /** In order: the other copy stops before the kept one resumes, so two never run at once. */
  actions: ReconcileAction[];
  /** Why, as a person reads it in the task's log. */
  reason: string;
}

const other = (s: Side): Side => (s === 'source' ? 'target' : 'source');

/** Finish completed (and was journaled): the target's copy holds the VM's latest state. */
const finishDone = (phase: MigrationPhase) =>
  phase === 'verify' || phase === 'cleanup-source' || phase === 'done';

/** Which copy stays, and why. */
function choose(
  j: ReconcileJournal,
  source: HostReport,
  target: HostReport,
): { keep: Side | 'none'; reason: string } {
  const s = source.domain;
  const t = target.domain;
  if (s?.state === 'running' && t?.state === 'running') {
    // Only a failed switch-over resumes the source; after Finish the target is the live one.
    return finishDone(j.phase)
      ? { keep: 'target', reason: 'both copies run; Finish had completed, the target is the VM' }
      : { keep: 'source', reason: 'both copies run; Finish never completed, the source is the VM' };
  }
  if (t?.state === 'running') return { keep: 'target', reason: "the target's copy runs" };
  if (s?.state === 'running') return { keep: 'source', reason: "the source's copy runs" };
  if (!s && !t) return { keep: 'none', reason: 'no host has the VM any more' };
  if (!t) return { keep: 'source', reason: 'only the source has the VM' };
  if (!s) return { keep: 'target', reason: 'only the target has the VM' };
  // Both exist, neither runs: paused by an interrupted switch-over, or shut off (offline move).
  if (finishDone(j.phase)) {
    return { keep: 'target', reason: 'Finish had completed: the target holds the latest state' };
  }
  return { keep: 'source', reason: 'Finish never completed: the source holds the latest state' };
}

/** The actions that leave only `keep`'s copy, given both hosts' reports. */
export function decideReconcile(
  journal: ReconcileJournal,
  source: HostReport,
  target: HostReport,
): ReconcileDecision {
  const { keep, reason } = choose(journal, source, target);
  if (keep === 'none') return { keep, actions: [], reason: `${reason}: nothing is deleted` };
  const reports = { source, target };
  const drop = other(keep);
  const kept = reports[keep].domain!;
  const gone = reports[drop].domain;
  const actions: ReconcileAction[] = [];
  if (gone && gone.state !== 'shut-off') actions.push({ kind: 'destroy', side: drop });
  // A live VM that was running stays running; an offline one stays shut off.
  if (kept.state === 'paused') actions.push({ kind: 'resume', side: keep });
  if (!kept.persistent) actions.push({ kind: 'persist', side: keep });
  if (gone?.persistent) actions.push({ kind: 'undefine', side: drop });
  const journaled = drop === 'target' ? journal.targetVolumes : journal.sourceVolumes;
  const present = new Set(reports[drop].volumesPresent);
  for (const path of journaled) {
    if (present.has(path)) actions.push({ kind: 'delete-volume', side: drop, path });
  }
  return { keep, actions, reason: `keep the ${keep}'s copy: ${reason}` };
}
