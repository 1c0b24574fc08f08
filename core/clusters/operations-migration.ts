import { closeSync, existsSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Task, TaskStatus } from '../../api/tasks-api';
import { OperationJournal } from '../journal/operation-journal';
import type { ReportDataProblem } from '../persistence/data-problems';
import { PRIVATE_FILE_MODE } from '../security/private-files';
import { KnownOperations } from './known-operations';
import type { OperationRecord } from './operation-record';
import { TASK_KIND, nodeStep, operationTitle } from './operation-view';

/** The journal cluster operations had before they ran as tasks. */
export const OPERATIONS_JOURNAL = 'operations.jsonl';

/** A task as the task journal stores it: its contract view without actions, plus the state. */
type TaskLine = Omit<Task, 'actions'> & { state: OperationRecord };

/**
 * Carries the operations journal of an earlier Corral into the task journal, once, before the
 * task engine reads it: each operation becomes a task with the same id (node metadata and
 * volume names carry that id) and its record as the runner's state, so an operation cut off
 * by a crash is still found interrupted and can be resumed or rolled back. The old file is
 * removed only once the tasks are on disk; a crash in between imports the same ids again,
 * and the task journal keeps the last line of each.
 */
export function migrateOperationsJournal(
  dataDir: string,
  taskJournal: string,
  report?: ReportDataProblem,
): number {
  const file = join(dataDir, OPERATIONS_JOURNAL);
  if (!existsSync(file)) return 0;
  const records = new OperationJournal<OperationRecord>(file, report).load();
  new KnownOperations(join(dataDir, 'known-operations.json')).add(
    records.map((r) => ({ id: r.id, cluster: r.cluster, source: 'journal', at: r.startedAt })),
  );
  const text = records.map((r) => `${JSON.stringify(taskLine(r))}\n`).join('');
  const fd = openSync(taskJournal, 'a', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  rmSync(file, { force: true });
  return records.length;
}

function taskLine(r: OperationRecord): TaskLine {
  // Working when Corral stopped: the engine finds it interrupted, as the old journal did.
  const status: TaskStatus =
    r.status === 'cancelling' || r.status === 'rolling-back' ? 'running' : r.status;
  return {
    id: r.id,
    kind: TASK_KIND[r.kind],
    title: operationTitle(r),
    ownerId: r.ownerId,
    status,
    targets: [{ kind: 'cluster', cluster: r.cluster }],
    steps: r.nodes.map((n) => ({
      id: n.name,
      label: n.name,
      status: 'pending',
      ...nodeStep(n, r.kind),
    })),
    log: [
      {
        at: new Date().toISOString(),
        level: 'info',
        text: 'Carried over from the operations journal',
      },
    ],
    startedAt: r.startedAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
    ...(r.error ? { error: r.error } : {}),
    state: r,
  };
}
