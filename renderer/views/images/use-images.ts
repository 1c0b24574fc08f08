import { useCallback, useEffect, useState } from 'react';
import type { HostView } from '../../../api/hosts-api';
import type { BaseImage, StoragePool } from '../../../api/images-api';
import { useClient } from '../../app/client-context';

/** What the Images view shows: base images, pools and host names, loaded together. */
export interface ImagesData {
  images: BaseImage[] | undefined;
  pools: StoragePool[];
  hosts: HostView[];
  /** Why the last load failed (kept as thrown, so a signed-out session can be told apart). */
  loadError: unknown;
  reload(): void;
}

/** Loads images, pools and hosts; `reload` after an upload or a removal (no push for images). */
export function useImages(): ImagesData {
  const client = useClient();
  const [images, setImages] = useState<BaseImage[]>();
  const [pools, setPools] = useState<StoragePool[]>([]);
  const [hosts, setHosts] = useState<HostView[]>([]);
  const [loadError, setLoadError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([client.images.list({}), client.images.pools({}), client.hosts.list({})]).then(
      ([i, p, h]) => {
        if (!live) return;
        setImages(i);
        setPools(p);
        setHosts(h);
        setLoadError(undefined);
      },
      (err: unknown) => live && setLoadError(err),
    );
    return () => {
      live = false;
    };
  }, [client, generation]);

  // Hosts coming online bring their images: load again when the host list changes.
  useEffect(() => {
    const sub = client.hosts.onChanged(() => setGeneration((g) => g + 1));
    return () => sub.dispose();
  }, [client]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { images, pools, hosts, loadError, reload };
}
