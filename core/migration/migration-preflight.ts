import type { MigrateRequest, MigrationPreflight } from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import type { HostConnections } from '../hosts/host-connections';
import type { TaskSummary } from '../tasks/task-engine';
import { checkMigration } from './migration-preflight-check';
import { gatherMigrationFacts } from './migration-preflight-gather';

/** What the pre-flight reads from; everything else it asks the hosts. */
export interface PreflightDeps {
  hosts: HostConnections;
  /** The VM's name as the inventory knows it (undefined: not known). */
  nameOf(ref: { hostId: string; uuid: string }): string | undefined;
  /** A host's name as people know it, for messages (undefined: its id is shown). */
  hostName(hostId: string): string | undefined;
  /** The task engine's tasks that `match` accepts (what tells that the VM is busy). */
  tasks: { select(match: (task: TaskSummary) => boolean): Task[] };
  /** The whole pre-flight's time budget, ms: every host call gets what is left of it. */
  budgetMs?: number;
}

/**
 * Checks a migration before anything is touched and names every blocker with a remedy. Runs in
 * well under 2 s: the reads of both hosts go out in parallel, each with a deadline within the
 * pre-flight's budget; the verdict itself is pure (migration-preflight-check).
 */
export async function preflightMigration(
  deps: PreflightDeps,
  req: MigrateRequest,
): Promise<MigrationPreflight> {
  const started = performance.now();
  const facts = await gatherMigrationFacts(deps, req);
  const verdict = checkMigration(facts);
  return {
    vm: facts.vm,
    targetHostId: req.targetHostId,
    mode: verdict.mode,
    ok: verdict.blockers.length === 0,
    blockers: verdict.blockers,
    notices: verdict.notices,
    ...(verdict.storage ? { storage: verdict.storage } : {}),
    checkedMs: performance.now() - started,
  };
}
