import { parseConsoleWindowHash, type ConsoleWindowTarget } from '../api/console-window-route';
import { appEntryUrl, isAppUrl, type AppEntry } from './app-entry';

/**
 * The console a `window.open` asks for, when the URL is exactly the app's own page with a
 * console address and nothing else (no query, no other path). Every other window.open stays
 * denied; this is the one kind of window the page may ask the main process for.
 */
export function consoleWindowTargetOf(
  candidate: string,
  entry: AppEntry,
): ConsoleWindowTarget | undefined {
  if (!isAppUrl(candidate, entry)) return undefined;
  const url = new URL(candidate);
  const own = new URL(appEntryUrl(entry));
  if (url.search !== '' || url.pathname !== own.pathname) return undefined;
  return parseConsoleWindowHash(url.hash);
}

/** The URL a console window loads: the app's page with the console address. */
export function consoleWindowUrl(entry: AppEntry, hash: string): string {
  const url = new URL(appEntryUrl(entry));
  url.hash = hash;
  return url.href;
}
