import { join } from 'node:path';
import Conf from 'conf';
import { NetworkPolicy } from '../../api/networks-api';
import { logDataProblem, type ReportDataProblem, setAside } from '../persistence/data-problems';
import { readJsonObjectFile } from '../persistence/json-file';
import { EMPTY_NETWORK_POLICY, normalizePolicy } from './network-policy';

/**
 * The network policy in `network-policy.json` under the data folder (conf writes atomically).
 * A missing or unreadable file is the empty policy: plain users may attach to nothing.
 */
export class NetworkPolicyStore {
  private readonly conf: Conf<{ policy: unknown }>;
  private current: NetworkPolicy;

  constructor(dataDir: string, report: ReportDataProblem = logDataProblem) {
    readJsonObjectFile(join(dataDir, 'network-policy.json'), report);
    this.conf = new Conf<{ policy: unknown }>({
      cwd: dataDir,
      configName: 'network-policy',
      defaults: { policy: EMPTY_NETWORK_POLICY },
      clearInvalidConfig: false,
      // Like every file in the data folder (see core/security/private-files.ts).
      configFileMode: 0o600,
    });
    const parsed = NetworkPolicy.safeParse(this.conf.get('policy'));
    this.current = parsed.success ? normalizePolicy(parsed.data) : EMPTY_NETWORK_POLICY;
    if (!parsed.success) {
      // Unreadable means the empty policy (the safe side); the original is kept for a person.
      setAside(
        this.conf.path,
        'the network policy could not be read; plain users may attach to nothing until it is set again',
        report,
      );
      this.conf.set('policy', EMPTY_NETWORK_POLICY);
    }
  }

  get(): NetworkPolicy {
    return this.current;
  }

  set(policy: NetworkPolicy): NetworkPolicy {
    const next = normalizePolicy(policy);
    this.conf.set('policy', next);
    this.current = next;
    return next;
  }
}
