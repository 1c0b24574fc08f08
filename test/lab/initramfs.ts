import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { cpioNewc, type CpioEntry } from './cpio-newc';

/**
 * Modules the initramfs loads before switching root. Debian builds all of them as modules (not
 * built in): virtio PCI + block to see vda, ext4 to mount it, virtio_net for eth0, isofs to read
 * an ISO9660 `cidata` seed, vfat for a FAT one. crc32c_generic is ext4's soft dependency.
 * virtio_balloon lets the host change the guest's memory while it runs (the root file system
 * holds no modules, so the initramfs is the only place to load it); virtio_console carries the
 * guest agent's channel.
 */
export const INITRAMFS_MODULES = [
  'crc32c_generic',
  'virtio_pci',
  'virtio_blk',
  'virtio_net',
  'virtio_console',
  'virtio_balloon',
  'ext4',
  'isofs',
  'vfat',
  'nls_cp437',
  'nls_utf8',
  'nls_ascii',
];

// Runs as PID 1: load drivers, mount root=, hand over to busybox init in the real root.
/** The initramfs's /init (part of the image recipe's cache key). */
export const INITRAMFS_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r m; do insmod "/lib/modules/$m.ko" 2>/dev/null; done < /modules.list
root=/dev/vda
for a in $(cat /proc/cmdline); do case "$a" in root=*) root="\${a#root=}" ;; esac; done
i=0
while [ ! -b "$root" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mkdir -p /newroot
if ! mount -t ext4 -o rw "$root" /newroot; then
  echo "corral-initramfs: cannot mount $root" > /dev/console
  exec sh
fi
mount --move /dev /newroot/dev
umount /sys /proc
exec switch_root /newroot /bin/busybox init
`;

/**
 * Builds a gzip'd initramfs: static busybox, the listed kernel modules in dependency order, and an
 * init that mounts the root disk. Modules' dependencies are read from their `.modinfo` strings
 * because the extracted kernel package has no modules.dep (depmod never ran).
 */
export function buildInitramfs(modulesDir: string, busybox = '/bin/busybox'): Buffer {
  const index = indexModules(join(modulesDir, 'kernel'));
  const order: string[] = [];
  const visit = (name: string): void => {
    const key = name.replace(/-/g, '_');
    if (order.includes(key)) return;
    const path = index.get(key);
    if (!path) throw new Error(`initramfs: module ${name} not found under ${modulesDir}`);
    for (const dep of moduleDepends(path)) visit(dep);
    order.push(key);
  };
  INITRAMFS_MODULES.forEach(visit);

  const entries: CpioEntry[] = ['bin', 'dev', 'proc', 'sys', 'newroot', 'lib', 'lib/modules'].map(
    (name) => ({ name, kind: 'dir', mode: 0o755 }),
  );
  entries.push({ name: 'bin/busybox', kind: 'file', mode: 0o755, data: readFileSync(busybox) });
  entries.push({ name: 'bin/sh', kind: 'symlink', mode: 0o777, data: Buffer.from('busybox') });
  entries.push({ name: 'init', kind: 'file', mode: 0o755, data: Buffer.from(INITRAMFS_INIT) });
  entries.push({
    name: 'modules.list',
    kind: 'file',
    mode: 0o644,
    data: Buffer.from(`${order.join('\n')}\n`),
  });
  for (const m of order) {
    entries.push({
      name: `lib/modules/${m}.ko`,
      kind: 'file',
      mode: 0o644,
      data: readFileSync(index.get(m)!),
    });
  }
  return gzipSync(cpioNewc(entries));
}

function indexModules(root: string): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko')) index.set(e.name.slice(0, -3).replace(/-/g, '_'), p);
    }
  };
  if (!existsSync(root)) throw new Error(`initramfs: no kernel modules at ${root}`);
  walk(root);
  return index;
}

/** Reads `depends=a,b` from a module's .modinfo strings. */
function moduleDepends(path: string): string[] {
  const text = readFileSync(path).toString('latin1');
  const m = /\0depends=([^\0]*)\0/.exec(text);
  return m?.[1] ? m[1].split(',').filter(Boolean) : [];
}
