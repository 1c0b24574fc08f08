/** PatternFly's dark theme is a class on the root element. */
export const DARK_THEME_CLASS = 'pf-v6-theme-dark';

/** Shows light or dark on the root element, as PatternFly and the older views read it. */
export function showTheme(dark: boolean): void {
  document.documentElement.classList.toggle(DARK_THEME_CLASS, dark);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

/**
 * Follows the system's colour scheme from the first paint (the sign-in screens included), until
 * a signed-in user's preference takes over (use-theme).
 */
export function followSystemTheme(): void {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  showTheme(media.matches);
  media.addEventListener('change', () => {
    if (!document.documentElement.dataset.themeLocked) showTheme(media.matches);
  });
}
