/**
 * Encrypts host secrets (passwords, key passphrases) at rest. The desktop uses the OS keychain
 * through Electron's safeStorage; the server a key file of its own. Secrets never leave core:
 * the contract only says whether one is stored.
 */
export interface SecretCipher {
  /** A short name for messages ("AES-256-GCM key file", "Electron safeStorage (kwallet5)"). */
  readonly name: string;
  /** Encrypts `plain`; throws CorralError('unavailable') when secrets cannot be stored safely. */
  encrypt(plain: string): Buffer;
  /** Decrypts what {@link encrypt} produced; throws when it cannot (wrong key, tampering). */
  decrypt(data: Buffer): string;
}
