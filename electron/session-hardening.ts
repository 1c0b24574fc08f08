import type { Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../core/security/content-security-policy';

/**
 * The one permission Corral's pages may have: notifications, so a long task that ends can say so
 * on the desktop (asked for only when the user turns it on). No camera, microphone, geolocation,
 * MIDI, clipboard reading or anything else.
 */
export function allowsPermission(permission: string): boolean {
  return permission === 'notifications';
}

/**
 * Hardens a session: the CSP as a response header as well as the meta tag (a header also covers
 * what a meta tag cannot, such as frame-ancestors), and every permission but notifications
 * refused. Devices (USB, HID, serial) are refused without exception.
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
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(allowsPermission(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => allowsPermission(permission));
  session.setDevicePermissionHandler(() => false);
}
