import type { WebContents } from 'electron';
import { isAllowedExternalUrl } from '../api/external-links';

/**
 * Opens an app window the page may ask for (a popped-out console) and says whether it did; it
 * must accept exactly the URLs it opens and refuse everything else.
 */
export type AppWindowOpener = (url: string, opener: WebContents) => boolean;

/**
 * Applied to every WebContents the app creates: the page never navigates away from itself, never
 * opens windows of its own making and never embeds a webview. A link to an https page opens in
 * the user's browser (through the one `openExternal` helper); a console's own address opens a
 * window the main process builds itself (with the main window's hardening); everything else is
 * dropped.
 */
export function guardWebContents(
  contents: WebContents,
  openExternal: (url: string) => void,
  openAppWindow: AppWindowOpener = () => false,
): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (isAllowedExternalUrl(url)) openExternal(url);
  });
  // Server redirects in the main frame would be a navigation by another name.
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Chromium never creates the window: main builds its own, so it cannot inherit anything.
    if (!openAppWindow(url, contents) && isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
