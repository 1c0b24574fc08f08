import { join } from 'node:path';
import Conf from 'conf';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import { readJsonObjectFile } from '../persistence/json-file';
import { HostRecord } from './host-record';

/**
 * The configured hosts, in `hosts.json` under the data folder (conf writes atomically). Every
 * record is validated when the store opens; one that fails is set aside with the original file
 * (and reported) rather than dropped, so a hand edit gone wrong loses nothing, and the valid
 * hosts still load.
 */
export class HostStore {
  private readonly conf: Conf<{ hosts: unknown[] }>;

  constructor(
    dataDir: string,
    private readonly report: ReportDataProblem = logDataProblem,
  ) {
    readJsonObjectFile(join(dataDir, 'hosts.json'), report);
    this.conf = new Conf<{ hosts: unknown[] }>({
      cwd: dataDir,
      configName: 'hosts',
      defaults: { hosts: [] },
      // A file that is not JSON at all is an error to report, not a reason to start over.
      clearInvalidConfig: false,
      configFileMode: 0o600,
    });
    this.setAsideInvalid();
  }

  /** The records, in file order. */
  list(): HostRecord[] {
    return this.raw().flatMap((raw) => {
      const parsed = HostRecord.safeParse(raw);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Inserts or replaces (by id) one record. */
  put(record: HostRecord): void {
    const valid = HostRecord.parse(record);
    const raw = this.raw();
    const at = raw.findIndex((r) => idOf(r) === valid.id);
    if (at >= 0) raw[at] = valid;
    else raw.push(valid);
    this.conf.set('hosts', raw);
  }

  remove(id: string): void {
    this.conf.set(
      'hosts',
      this.raw().filter((r) => idOf(r) !== id),
    );
  }

  /** Records that are not hosts go to the set-aside copy; the valid ones stay. */
  private setAsideInvalid(): void {
    const raw = this.raw();
    const bad = raw.flatMap((r, i) => {
      const parsed = HostRecord.safeParse(r);
      return parsed.success ? [] : [{ i, why: parsed.error.issues[0]?.message ?? 'invalid' }];
    });
    if (bad.length === 0) return;
    setAside(
      this.conf.path,
      `host ${bad.length > 1 ? 'entries' : 'entry'} ${listOf(bad.map((b) => `${b.i + 1} (${b.why})`))} could not be read and ${bad.length > 1 ? 'were' : 'was'} left out`,
      this.report,
    );
    this.conf.set(
      'hosts',
      raw.filter((_, i) => !bad.some((b) => b.i === i)),
    );
  }

  private raw(): unknown[] {
    const hosts = this.conf.get('hosts');
    return Array.isArray(hosts) ? [...hosts] : [];
  }
}

function idOf(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
}
