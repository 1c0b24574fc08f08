import Conf from 'conf';
import { NetworkPolicy } from '../../api/networks-api';
import { EMPTY_NETWORK_POLICY, normalizePolicy } from './network-policy';

/**
 * The network policy in `network-policy.json` under the data folder (conf writes atomically).
 * A missing or unreadable file is the empty policy: plain users may attach to nothing.
 */
export class NetworkPolicyStore {
  private readonly conf: Conf<{ policy: unknown }>;
  private current: NetworkPolicy;

  constructor(dataDir: string) {
    this.conf = new Conf<{ policy: unknown }>({
      cwd: dataDir,
      configName: 'network-policy',
      defaults: { policy: EMPTY_NETWORK_POLICY },
    });
    const parsed = NetworkPolicy.safeParse(this.conf.get('policy'));
    this.current = parsed.success ? normalizePolicy(parsed.data) : EMPTY_NETWORK_POLICY;
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
