import type { WebContents } from 'electron';
import { isAllowedExternalUrl } from '../api/external-links';

/**
 * Applied to every WebContents the app creates: the page never navigates away from itself, never
 * opens windows and never embeds a webview. A link to an https page opens in the user's browser
 * (through the one `openExternal` helper); everything else is dropped.
 */
export function guardWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (isAllowedExternalUrl(url)) openExternal(url);
  });
  // Server redirects in the main frame would be a navigation by another name.
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
