import { accessSync, constants, existsSync } from 'node:fs';
import { run } from './exec';

/** A program the lab runs, and the Debian package that ships it. */
interface Requirement {
  path: string;
  pkg: string;
}

// Absolute paths: the lab must not depend on the caller's PATH to find system daemons.
const REQUIREMENTS: readonly Requirement[] = [
  { path: '/usr/bin/qemu-system-x86_64', pkg: 'qemu-system-x86' },
  { path: '/usr/bin/qemu-img', pkg: 'qemu-utils' },
  { path: '/usr/sbin/libvirtd', pkg: 'libvirt-daemon-system' },
  { path: '/usr/sbin/virtlogd', pkg: 'libvirt-daemon-system' },
  { path: '/usr/bin/virsh', pkg: 'libvirt-clients' },
  { path: '/bin/busybox', pkg: 'busybox-static' },
  { path: '/usr/sbin/sshd', pkg: 'openssh-server' },
  { path: '/usr/bin/ssh', pkg: 'openssh-client' },
  { path: '/usr/bin/ssh-keygen', pkg: 'openssh-client' },
  { path: '/usr/sbin/debootstrap', pkg: 'debootstrap' },
  { path: '/usr/bin/nc', pkg: 'netcat-openbsd' },
  { path: '/usr/sbin/ip', pkg: 'iproute2' },
  { path: '/usr/bin/nsenter', pkg: 'util-linux' },
  { path: '/usr/bin/unshare', pkg: 'util-linux' },
  { path: '/usr/sbin/mke2fs', pkg: 'e2fsprogs' },
  { path: '/usr/bin/genisoimage', pkg: 'genisoimage' },
  { path: '/usr/bin/isoinfo', pkg: 'genisoimage' },
];

/** Debian packages the lab needs that are missing here (empty when all is in place). */
export function missingPackages(): string[] {
  const missing = new Set<string>();
  for (const r of REQUIREMENTS) {
    try {
      accessSync(r.path, constants.X_OK);
    } catch {
      missing.add(r.pkg);
    }
  }
  return [...missing];
}

/**
 * Checks that the lab can run here. Without `install` it only explains what is missing; with it
 * (as root) it installs the Debian packages, the one thing `up --install` may change on purpose.
 */
export async function checkPrerequisites(
  install: boolean,
  log: (l: string) => void,
): Promise<void> {
  if (process.platform !== 'linux')
    throw new Error('the lab needs Linux (network namespaces, libvirt)');
  if (process.getuid?.() !== 0)
    throw new Error('the lab needs root (namespaces, bridges, daemons): run it with sudo');
  if (!existsSync('/dev/net/tun')) throw new Error('the lab needs /dev/net/tun for guest NICs');
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (!install) {
    throw new Error(
      `the lab needs these Debian packages: ${missing.join(' ')}\n` +
        `  install them with: apt-get install ${missing.join(' ')}\n` +
        '  or run: npm run lab -- up --install',
    );
  }
  log(`installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env });
  await run('apt-get', ['install', '-y', '-qq', ...missing], { env });
  const still = missingPackages();
  if (still.length > 0) throw new Error(`still missing after install: ${still.join(' ')}`);
}
