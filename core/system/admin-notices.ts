import type { AdminNotice } from '../../api/corral-api';
import type { DataProblem } from '../persistence/data-problems';

/** Notices kept at most; the oldest go first (the log has them all). */
const MAX_NOTICES = 200;

/**
 * Things Corral did on its own that the administrator should know of: data files set aside
 * because they could not be read, partial volumes of interrupted uploads removed. Kept for this
 * run (each is logged too); `system.notices` shows them to the administrator.
 */
export class AdminNotices {
  private readonly notices: AdminNotice[] = [];

  add(source: AdminNotice['source'], message: string): void {
    console.warn(`Corral: ${message}`);
    this.notices.push({ at: new Date().toISOString(), source, message });
    if (this.notices.length > MAX_NOTICES) this.notices.shift();
  }

  /** The report stores in the data folder call (see core/persistence). */
  readonly reportDataProblem = (problem: DataProblem): void => this.add('data', problem.message);

  list(): AdminNotice[] {
    return [...this.notices];
  }
}
