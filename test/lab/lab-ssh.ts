import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB } from './config';

/** Paths of the lab's SSH client files (all under the lab dir, never the user's ~/.ssh). */
export function labSshPaths(labDir: string): { key: string; knownHosts: string; config: string } {
  return {
    key: join(labDir, 'ssh', 'id_ed25519'),
    knownHosts: join(labDir, 'ssh', 'known_hosts'),
    config: join(labDir, 'ssh', 'config'),
  };
}

/**
 * Writes an ssh_config so `ssh -F <config> corral-lab-h1` (or any lab address) uses the lab key
 * and the lab's known_hosts with strict checking: the lab never trusts an unknown key.
 */
export function writeLabSshConfig(
  labDir: string,
  hosts: readonly { name: string; address: string }[],
): string {
  const p = labSshPaths(labDir);
  const common = [
    '  User root',
    `  IdentityFile ${p.key}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${p.knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  ConnectTimeout 10',
    '  LogLevel ERROR',
  ];
  const lines: string[] = [];
  for (const h of hosts) lines.push(`Host ${h.name}`, `  HostName ${h.address}`, ...common, '');
  lines.push(`Host ${LAB.subnetPrefix}.*`, ...common, '');
  writeFileSync(p.config, lines.join('\n'), { mode: 0o644 });
  return p.config;
}
