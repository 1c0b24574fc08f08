import { useEffect } from 'react';
import type { Settings } from '../../api/corral-api';
import { useClient } from './client-context';
import { applyThemePreference } from './system-theme';

/** Applies the signed-in user's theme setting now and whenever it changes, from any window. */
export function useTheme(): void {
  const client = useClient();
  useEffect(() => {
    const apply = (settings: Settings) => applyThemePreference(settings.theme);
    client.settings.get({}).then(apply, () => {});
    const sub = client.settings.onChanged(apply);
    return () => sub.dispose();
  }, [client]);
}
