import { useCallback, useEffect, useState } from 'react';
import type { HostView } from '../../../api/hosts-api';
import { useClient } from '../../app/client-context';

/** The live host list, as core pushes it (`hosts.onChanged`), with the first `list` as a start. */
export function useHosts(): { hosts: HostView[] | undefined; loadError?: unknown; retry(): void } {
  const client = useClient();
  const [hosts, setHosts] = useState<HostView[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let pushed = false;
    let live = true;
    const sub = client.hosts.onChanged((list) => {
      pushed = true;
      setHosts(list);
      setLoadError(undefined);
    });
    client.hosts.list({}).then(
      (list) => {
        // A push that arrived first is newer than this answer.
        if (live && !pushed) setHosts(list);
      },
      (err: unknown) => live && !pushed && setLoadError(err),
    );
    return () => {
      live = false;
      sub.dispose();
    };
  }, [client, attempt]);
  const retry = useCallback(() => {
    setLoadError(undefined);
    setAttempt((a) => a + 1);
  }, []);
  return { hosts, loadError, retry };
}
