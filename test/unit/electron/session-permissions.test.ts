import { describe, expect, it } from 'vitest';
import { allowsPermission } from '../../../electron/session-hardening';

describe("the desktop shell's permissions", () => {
  it('allow notifications, for the end of a long task', () => {
    expect(allowsPermission('notifications')).toBe(true);
  });

  it('refuse everything else a page may ask for', () => {
    for (const p of [
      'media',
      'geolocation',
      'midi',
      'midiSysex',
      'clipboard-read',
      'pointerLock',
      'fullscreen',
      'openExternal',
      'display-capture',
      'idle-detection',
      'hid',
      'serial',
      'usb',
      'unknown',
    ]) {
      expect(allowsPermission(p), p).toBe(false);
    }
  });
});
