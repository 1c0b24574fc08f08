import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Cluster, Operation } from '../../../api/clusters-api';
import type { HostView } from '../../../api/hosts-api';
import type { BaseImage } from '../../../api/images-api';
import type { ClustersViewClient } from './clusters-client';
import { mergeOperation, sortOperations } from './operation-text';

const message = (err: unknown) => (err as Error).message;

/** Operations, live: the first `list`, then every `operations.onChanged` merged in by id. */
export function useOperations(client: ClustersViewClient) {
  const [ops, setOps] = useState<Operation[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    const sub = client.operations.onChanged((op) => setOps((list) => mergeOperation(list, op)));
    client.operations.list({}).then(
      // An event that arrived first is newer than this answer: keep it.
      (list) =>
        setOps((pushed) =>
          sortOperations([...list.filter((o) => !pushed.some((p) => p.id === o.id)), ...pushed]),
        ),
      (err) => setError(message(err)),
    );
    return () => sub.dispose();
  }, [client]);
  /** Puts in an operation a call just returned (its events may come later). */
  const put = useCallback((op: Operation) => setOps((list) => mergeOperation(list, op)), []);
  return { ops, error, put };
}

/**
 * The clusters, read again whenever `version` changes (the view bumps it when an operation moves
 * a node to a new state or ends: clusters live in domain metadata and have no event of their own).
 */
export function useClusters(client: ClustersViewClient, version: string) {
  const [clusters, setClusters] = useState<Cluster[]>();
  const [error, setError] = useState<string>();
  const [manual, setManual] = useState(0);
  // A task's end can reach the view before the inventory has heard libvirt's event for the
  // domains it removed: read again when domains go away, so a deleted cluster does not linger.
  useEffect(() => {
    const sub = client.inventory.onChanged((delta) => {
      const gone = delta.removals.length + delta.removedHosts.length + delta.resetHosts.length;
      if (gone > 0) setManual((n) => n + 1);
    });
    return () => sub.dispose();
  }, [client]);
  useEffect(() => {
    let live = true;
    client.clusters.list({}).then(
      (list) => {
        if (!live) return;
        setClusters([...list].sort((a, b) => a.name.localeCompare(b.name)));
        setError(undefined);
      },
      (err) => live && setError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [client, version, manual]);
  const refresh = useCallback(() => setManual((n) => n + 1), []);
  return { clusters, error, refresh };
}

/**
 * Host names by id and which hosts are online. The host list may be closed to non-administrators;
 * then names fall back to ids and `online` stays undefined.
 */
export function useHostNames(client: ClustersViewClient) {
  const [hosts, setHosts] = useState<HostView[]>();
  useEffect(() => {
    let pushed = false;
    const sub = client.hosts.onChanged((list) => {
      pushed = true;
      setHosts(list);
    });
    client.hosts.list({}).then(
      (list) => !pushed && setHosts(list),
      () => undefined,
    );
    return () => sub.dispose();
  }, [client]);
  return useMemo(
    () => ({
      names: new Map((hosts ?? []).map((h) => [h.id, h.name])),
      online: hosts
        ? new Set(hosts.filter((h) => h.status.state === 'online').map((h) => h.id))
        : undefined,
    }),
    [hosts],
  );
}

/** Base images, read when the wizard opens (`open` true). */
export function useImages(client: ClustersViewClient, open: boolean) {
  const [images, setImages] = useState<BaseImage[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!open) return;
    let live = true;
    client.images.list({}).then(
      (list) => {
        if (!live) return;
        setImages(list);
        setError(undefined);
      },
      (err) => live && setError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [client, open]);
  return { images, error };
}

/** Whether this session is the administrator (who sees every owner's clusters). */
export function useIsAdmin(client: ClustersViewClient): boolean | undefined {
  const [admin, setAdmin] = useState<boolean>();
  useEffect(() => {
    client.accounts.me({}).then(
      (me) => setAdmin(me.user?.role === 'admin'),
      () => setAdmin(undefined),
    );
  }, [client]);
  return admin;
}
