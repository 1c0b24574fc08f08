import { join } from 'node:path';
import Conf from 'conf';
import { Settings } from '../../api/corral-api';
import { toDisposable, type Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import { readJsonObjectFile } from '../persistence/json-file';

const DEFAULTS: Settings = { theme: 'system' };

/**
 * User preferences in a JSON file under the data folder (conf writes it atomically). A file that
 * is not JSON, or fields that fail validation, are set aside with the original file (and
 * reported); bad fields fall back to their defaults, good ones are kept.
 */
export class SettingsService {
  private readonly store: Conf<Record<string, unknown>>;
  private readonly changes = new Emitter<Settings>();

  constructor(dataDir: string, report: ReportDataProblem = logDataProblem) {
    readJsonObjectFile(join(dataDir, 'settings.json'), report);
    this.store = new Conf({
      cwd: dataDir,
      configName: 'settings',
      clearInvalidConfig: false,
      // Like every file in the data folder (see core/security/private-files.ts).
      configFileMode: 0o600,
    });
    const bad = Object.keys(this.store.store).filter(
      (key) =>
        !Settings.partial()
          .strict()
          .safeParse({ [key]: this.store.store[key] }).success,
    );
    if (bad.length > 0) {
      setAside(
        this.store.path,
        `the setting${bad.length > 1 ? 's' : ''} ${listOf(bad)} could not be read and fell back to ${bad.length > 1 ? 'their defaults' : 'its default'}`,
        report,
      );
      for (const key of bad) this.store.delete(key);
    }
  }

  get(): Settings {
    const parsed = Settings.safeParse({ ...DEFAULTS, ...this.store.store });
    return parsed.success ? parsed.data : DEFAULTS;
  }

  update(patch: Partial<Settings>): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    this.store.set(next);
    this.changes.fire(next);
    return next;
  }

  onChanged(emit: (settings: Settings) => void): Disposable {
    const sub = this.changes.on(emit);
    return toDisposable(() => sub.dispose());
  }
}
