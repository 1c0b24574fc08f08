import { useEffect } from 'react';
import type { Settings } from '../../api/corral-api';
import { useClient } from './client-context';

/** Applies the theme preference; 'system' leaves it to prefers-color-scheme in CSS. */
export function useTheme(): void {
  const client = useClient();
  useEffect(() => {
    const apply = (settings: Settings) => {
      document.documentElement.dataset.theme = settings.theme;
    };
    client.settings.get({}).then(apply, () => {});
    const sub = client.settings.onChanged(apply);
    return () => sub.dispose();
  }, [client]);
}
