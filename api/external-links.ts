/**
 * The one policy for URLs the app may open outside itself (the user's browser): the desktop
 * shell's openExternal helper and window guards, and links printed in a console, all ask it.
 * Pure and browser-safe, so the renderer applies the very same rule.
 */

/**
 * Returns the normalized URL when `raw` may be opened outside the app, else `undefined`.
 * Only `https:` URLs with a host and no embedded credentials pass (the Electron security
 * checklist's rule for `shell.openExternal`); with `allowedHosts`, the host must be one of them.
 */
export function toExternalUrl(raw: string, allowedHosts?: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.hostname === '') return undefined;
  // user:pass@host is a phishing vector and never something the app links to.
  if (url.username !== '' || url.password !== '') return undefined;
  if (allowedHosts && !allowedHosts.some((h) => h.toLowerCase() === url.hostname)) {
    return undefined;
  }
  return url.href;
}

/** Whether `raw` may be opened in the user's browser; see {@link toExternalUrl}. */
export function isAllowedExternalUrl(raw: string, allowedHosts?: readonly string[]): boolean {
  return toExternalUrl(raw, allowedHosts) !== undefined;
}
