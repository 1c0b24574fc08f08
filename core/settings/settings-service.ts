import Conf from 'conf';
import { Settings } from '../../api/corral-api';
import { toDisposable, type Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';

const DEFAULTS: Settings = { theme: 'system' };

/**
 * User preferences in a JSON file under the data folder (conf writes it atomically). A file that
 * fails validation is not trusted field by field: bad fields fall back to defaults.
 */
export class SettingsService {
  private readonly store: Conf<Record<string, unknown>>;
  private readonly changes = new Emitter<Settings>();

  constructor(dataDir: string) {
    this.store = new Conf({
      cwd: dataDir,
      configName: 'settings',
      clearInvalidConfig: true,
      // Like every file in the data folder (see core/security/private-files.ts).
      configFileMode: 0o600,
    });
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
