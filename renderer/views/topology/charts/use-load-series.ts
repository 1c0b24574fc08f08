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
  const hostId = subject.hostId;
  const subscribe = useCallback(
    (listener: () => void) => history.subscribe(subject, listener),
    // The subject is identified by its key (and, for a VM, the host it is on now).
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [history, key, hostId],
  );
  const series = useSyncExternalStore(subscribe, () => history.get(key));
  return { series, history };
}
