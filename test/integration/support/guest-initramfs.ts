import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { GUEST_CACHE_DIR } from '../../support/guest-kernel';

/** The line the guest prints on its console once init ran its sysinit steps. */
export const GUEST_READY_MARKER = 'CORRAL-GUEST-READY';

const INITTAB = [
  '::sysinit:/bin/busybox mount -t devtmpfs devtmpfs /dev',
  '::sysinit:/bin/busybox mount -t proc proc /proc',
  '::sysinit:/bin/busybox --install -s /bin',
  `::sysinit:/bin/busybox echo ${GUEST_READY_MARKER}`,
  // Respawn: the first console EOF must not kill PID 1 (measured).
  'ttyS0::respawn:/bin/busybox sh',
  '',
].join('\n');

/**
 * A busybox initramfs whose init respawns a shell on ttyS0. Built once (root needed for the
 * device nodes) and cached next to the kernel.
 */
export function guestInitramfs(cacheDir: string = GUEST_CACHE_DIR): string {
  const out = join(cacheDir, 'corral-it-initramfs-v1.cpio.gz');
  if (existsSync(out)) return out;
  const work = join(cacheDir, `initramfs.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  for (const d of ['bin', 'dev', 'proc', 'sys', 'etc', 'tmp', 'root']) {
    mkdirSync(join(work, d), { recursive: true });
  }
  copyFileSync('/bin/busybox', join(work, 'bin/busybox'));
  chmodSync(join(work, 'bin/busybox'), 0o755);
  execFileSync('ln', ['-s', 'bin/busybox', join(work, 'init')]);
  execFileSync('ln', ['-s', 'busybox', join(work, 'bin/sh')]);
  writeFileSync(join(work, 'etc/inittab'), INITTAB);
  execFileSync('mknod', ['-m', '600', join(work, 'dev/console'), 'c', '5', '1']);
  execFileSync('mknod', ['-m', '666', join(work, 'dev/null'), 'c', '1', '3']);
  execFileSync('sh', ['-c', 'find . | cpio -o -H newc --quiet | gzip -1 > ../initramfs.partial'], {
    cwd: work,
  });
  renameSync(join(cacheDir, 'initramfs.partial'), out);
  rmSync(work, { recursive: true, force: true });
  return out;
}
