import type { ILinkHandler } from '@xterm/xterm';
import { toExternalUrl } from '../../api/external-links';

/**
 * Links printed in a console open only when the app's external-link policy allows them (https:
 * with a host and no credentials); anything else (http:, file:, javascript:, ssh:, custom
 * schemes) is ignored. Plain URLs (the web-links addon) and OSC 8 hyperlinks both come here.
 */
export function isOpenableLink(uri: string): boolean {
  return toExternalUrl(uri) !== undefined;
}

/**
 * Opens an allowed link outside the app. In the desktop shell the main process routes
 * window.open to its openExternal helper (which checks the same policy again); in a browser it
 * is a new tab with no opener.
 */
export function openLink(
  uri: string,
  open: typeof window.open = window.open.bind(window),
): boolean {
  const url = toExternalUrl(uri);
  if (!url) return false;
  open(url, '_blank', 'noopener,noreferrer');
  return true;
}

/**
 * xterm's handler for OSC 8 hyperlinks (ESC ] 8 ; ; URI ESC \). Without one, xterm asks with
 * confirm() and then navigates a new window to any http(s) target itself, bypassing the policy.
 * xterm keeps offering only http(s) targets as links; the policy then decides.
 */
export function consoleLinkHandler(open?: typeof window.open): ILinkHandler {
  return {
    activate: (_event, uri) => void openLink(uri, open),
    allowNonHttpProtocols: false,
  };
}
