import { useCallback, useSyncExternalStore } from 'react';
import type { StatsSeries, StatsSubject } from '../../../../api/inventory-api';
import { useClient } from '../../../app/client-context';
import { loadHistoryOf, type LoadHistory } from './load-history';
import { subjectKey } from './load-series';

/** A subject's load series (history, then live samples), and the history's period. */
export function useLoadSeries(subject: StatsSubject): {
  series: StatsSeries;
  history: LoadHistory;
} {
  const history = loadHistoryOf(useClient());
  const key = subjectKey(subject);
  // A new object each render names the same subject: follow the key (and, for a VM, the host
  // it is on now), not the object.
  const hostId = subject.hostId;
  const uuid = subject.kind === 'vm' ? subject.uuid : undefined;
  const subscribe = useCallback(
    (listener: () => void) =>
      history.subscribe(
        uuid === undefined ? { kind: 'host', hostId } : { kind: 'vm', hostId, uuid },
        listener,
      ),
    [history, hostId, uuid],
  );
  const series = useSyncExternalStore(subscribe, () => history.get(key));
  return { series, history };
}
