/** What the integration global setup hands to tests (vitest provide/inject). */
export interface IntegrationEnv {
  /** libvirtd's read-write UNIX socket. */
  libvirtSocket: string;
  /** The test sshd on 127.0.0.1. */
  sshPort: number;
  /** Private key the test sshd accepts for root. */
  sshKeyPath: string;
  /** The sshd's host key as `SHA256:...`. */
  sshHostFingerprint: string;
  /** A known_hosts file holding the sshd's host key for [127.0.0.1]:port (for OpenSSH). */
  sshKnownHosts: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    integrationEnv: IntegrationEnv;
  }
}
