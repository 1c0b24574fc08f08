import Conf from 'conf';
import { join } from 'node:path';
import { z } from 'zod';
import { BalancePolicy } from '../../api/migration-api';
import { logDataProblem, setAside, type ReportDataProblem } from '../persistence/data-problems';
import { readJsonObjectFile } from '../persistence/json-file';
import { PRIVATE_FILE_MODE } from '../security/private-files';

const AutoSettings = z.object({ enabled: z.boolean(), policy: BalancePolicy });
export type AutoSettings = z.infer<typeof AutoSettings>;

/** Off by default: moving VMs on its own is the administrator's choice. */
const DEFAULTS: AutoSettings = { enabled: false, policy: BalancePolicy.parse({}) };

/**
 * Automatic balancing's switch and policy, in `balance.json` of the data folder (conf writes it
 * atomically). A file that cannot be read is set aside (and reported) and the defaults used.
 */
export class BalanceAutoStore {
  private readonly store: Conf<Record<string, unknown>>;

  constructor(dataDir: string, report: ReportDataProblem = logDataProblem) {
    readJsonObjectFile(join(dataDir, 'balance.json'), report);
    this.store = new Conf({
      cwd: dataDir,
      configName: 'balance',
      clearInvalidConfig: false,
      configFileMode: PRIVATE_FILE_MODE,
    });
    if (
      Object.keys(this.store.store).length > 0 &&
      !AutoSettings.safeParse(this.store.store).success
    ) {
      setAside(
        this.store.path,
        'the balancing settings could not be read and fell back to off',
        report,
      );
      this.store.clear();
    }
  }

  get(): AutoSettings {
    const parsed = AutoSettings.safeParse(this.store.store);
    return parsed.success ? parsed.data : DEFAULTS;
  }

  set(next: AutoSettings): AutoSettings {
    const valid = AutoSettings.parse(next);
    this.store.store = valid;
    return valid;
  }
}
