import { useEffect } from 'react';
import type { Settings } from '../../api/corral-api';
import { useClient } from './client-context';
import { showTheme } from './system-theme';

/**
 * Applies the signed-in user's theme preference: 'light' and 'dark' as chosen, 'system' following
 * the system's colour scheme, also when it changes while the app is open.
 */
export function useTheme(): void {
  const client = useClient();
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    let preference: Settings['theme'] = 'system';
    const render = () => {
      showTheme(preference === 'dark' || (preference === 'system' && media.matches));
    };
    const apply = (settings: Settings) => {
      preference = settings.theme;
      // A fixed choice outranks the system listener installed at start.
      document.documentElement.dataset.themeLocked = preference === 'system' ? '' : 'yes';
      render();
    };
    media.addEventListener('change', render);
    client.settings.get({}).then(apply, () => {});
    const sub = client.settings.onChanged(apply);
    return () => {
      sub.dispose();
      media.removeEventListener('change', render);
    };
  }, [client]);
}
