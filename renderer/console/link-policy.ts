/**
 * Links printed in a console open only when they are https: (issue 5, Electron's security
 * checklist). Anything else (http:, file:, javascript:, custom schemes) is ignored.
 */
export function isOpenableLink(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === ''
  );
}

/**
 * Opens an https link outside the app. In the desktop shell the main process routes window.open
 * to its https-only openExternal helper; in a browser it is a new tab with no opener.
 */
export function openLink(
  uri: string,
  open: typeof window.open = window.open.bind(window),
): boolean {
  if (!isOpenableLink(uri)) return false;
  open(new URL(uri).href, '_blank', 'noopener,noreferrer');
  return true;
}
