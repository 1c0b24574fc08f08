import { safeStorage } from 'electron';
import { CorralError } from '../api/errors';
import type { SecretCipher } from '../core/secrets/secret-cipher';

/**
 * The desktop's secret cipher: Electron safeStorage (Keychain, DPAPI, libsecret/kwallet). On
 * Linux without a keyring safeStorage falls back to 'basic_text', a hard-coded password that
 * protects nothing, so Corral refuses to store secrets then and says what to do.
 * Checked on every call: a keyring can appear or go away while the app runs.
 */
export class SafeStorageCipher implements SecretCipher {
  get name(): string {
    return process.platform === 'linux'
      ? `Electron safeStorage (${safeStorage.getSelectedStorageBackend()})`
      : 'Electron safeStorage';
  }

  encrypt(plain: string): Buffer {
    this.check();
    return safeStorage.encryptString(plain);
  }

  decrypt(data: Buffer): string {
    this.check();
    return safeStorage.decryptString(data);
  }

  private check(): void {
    if (!safeStorage.isEncryptionAvailable())
      throw new CorralError(
        'unavailable',
        'the system keychain is not available, so Corral cannot store passwords or passphrases; ' +
          'use the SSH agent instead',
      );
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
      throw new CorralError(
        'unavailable',
        'no system keyring (GNOME Keyring or KWallet) is running, and without one a stored ' +
          'password would only be obfuscated; Corral will not store it. Start a keyring, or use ' +
          'the SSH agent or an unencrypted key file',
      );
  }
}
