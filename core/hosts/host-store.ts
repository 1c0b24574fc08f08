import Conf from 'conf';
import { HostRecord } from './host-record';

/**
 * The configured hosts, in `hosts.json` under the data folder (conf writes atomically). Every
 * record is validated on read; one that fails is left in the file untouched (and reported once)
 * rather than dropped, so a hand edit gone wrong loses nothing.
 */
export class HostStore {
  private readonly conf: Conf<{ hosts: unknown[] }>;

  constructor(
    dataDir: string,
    private readonly warn: (message: string) => void = console.warn,
  ) {
    this.conf = new Conf<{ hosts: unknown[] }>({
      cwd: dataDir,
      configName: 'hosts',
      defaults: { hosts: [] },
      // A file that is not JSON at all is an error to report, not a reason to start over.
      clearInvalidConfig: false,
      configFileMode: 0o600,
    });
  }

  /** The valid records, in file order. */
  list(): HostRecord[] {
    const out: HostRecord[] = [];
    for (const [i, raw] of this.raw().entries()) {
      const parsed = HostRecord.safeParse(raw);
      if (parsed.success) out.push(parsed.data);
      else
        this.warn(
          `hosts.json: entry ${i} is not a valid host and is ignored: ${parsed.error.message}`,
        );
    }
    return out;
  }

  /** Inserts or replaces (by id) one record; invalid records already in the file stay. */
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

  private raw(): unknown[] {
    const hosts = this.conf.get('hosts');
    return Array.isArray(hosts) ? [...hosts] : [];
  }
}

function idOf(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
}
