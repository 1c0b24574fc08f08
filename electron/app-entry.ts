import { pathToFileURL } from 'node:url';

/**
 * Where the window's page comes from: Vite's dev server under `npm start`, or the built
 * `index.html` on disk in a packaged (or `build:desktop`) app.
 */
export type AppEntry = { kind: 'dev-server'; url: string } | { kind: 'file'; path: string };

/** The entry for this run: the dev server when Forge defined one, else the built file. */
export function resolveAppEntry(devServerUrl: string | undefined, indexHtmlPath: string): AppEntry {
  return devServerUrl
    ? { kind: 'dev-server', url: devServerUrl }
    : { kind: 'file', path: indexHtmlPath };
}

/** The URL the window loads for an entry. */
export function appEntryUrl(entry: AppEntry): string {
  return entry.kind === 'dev-server' ? entry.url : pathToFileURL(entry.path).href;
}

/**
 * Whether `candidate` is the app's own page: same origin as the dev server, or exactly the built
 * `index.html` (any query or fragment). This is the trusted-sender check before the main process
 * hands a page the API port; anything else (a stray navigation, an error page) gets nothing.
 */
export function isAppUrl(candidate: string, entry: AppEntry): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  const own = new URL(appEntryUrl(entry));
  if (entry.kind === 'dev-server') {
    // `origin` covers scheme, host and port; http://localhost:5173 is not http://localhost:5174.
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === own.origin;
  }
  // file: URLs have an opaque origin, so compare the path itself (and no host: file://evil/...).
  return url.protocol === 'file:' && url.host === '' && url.pathname === own.pathname;
}
