import type { Settings } from '../../api/corral-api';

/** PatternFly's dark theme is a class on the root element. */
const DARK_THEME_CLASS = 'pf-v6-theme-dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The signed-in user's choice; 'system' (also before sign-in) follows the system's scheme. */
let preference: Settings['theme'] = 'system';

/** Shows light or dark on the root element, as PatternFly and the older views read it. */
function showTheme(dark: boolean): void {
  document.documentElement.classList.toggle(DARK_THEME_CLASS, dark);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

function render(): void {
  const systemDark = window.matchMedia(DARK_QUERY).matches;
  showTheme(preference === 'dark' || (preference === 'system' && systemDark));
}

/**
 * Follows the system's colour scheme from the first paint (the sign-in screens included), and
 * keeps following it while the preference is 'system'. One listener for the page's whole life.
 */
export function followSystemTheme(): void {
  window.matchMedia(DARK_QUERY).addEventListener('change', render);
  render();
}

/** A signed-in user's theme setting: 'light' and 'dark' as chosen, 'system' as above. */
export function applyThemePreference(theme: Settings['theme']): void {
  preference = theme;
  render();
}
