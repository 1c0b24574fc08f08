import type { Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../core/security/content-security-policy';

/**
 * Hardens a session: the CSP as a response header as well as the meta tag (a header also covers
 * what a meta tag cannot, such as frame-ancestors), and every permission request refused. Corral
 * needs no camera, notifications, geolocation, MIDI, USB or HID.
 */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // Drop any CSP the server sent (the dev server sends none) so ours is the one that applies.
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
