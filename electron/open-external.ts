import { shell } from 'electron';
import { toExternalUrl } from '../api/external-links';

/**
 * The only call of `shell.openExternal` in the app: https URLs go to the user's browser,
 * anything else (file:, javascript:, custom schemes that launch programs) is refused and logged.
 */
export function openExternal(raw: string): void {
  const url = toExternalUrl(raw);
  if (!url) {
    console.warn(`corral: refused to open ${JSON.stringify(raw.slice(0, 200))} externally`);
    return;
  }
  shell.openExternal(url).catch((err: unknown) => {
    console.warn(`corral: could not open ${url}: ${String(err)}`);
  });
}
