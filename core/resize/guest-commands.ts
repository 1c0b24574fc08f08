import type { Client } from 'ssh2';
import { execArgs } from '../clusters/node-ssh';

// Fixed scripts, run with their inputs as quoted positional parameters (never pasted in).

// Brings every present but offline CPU online: without udev nothing does it after a hot-plug.
const ONLINE_CPUS = `n=0
for c in /sys/devices/system/cpu/cpu[0-9]*; do
  [ -f "$c/online" ] || continue
  if [ "$(cat "$c/online")" = 0 ]; then echo 1 > "$c/online" && n=$((n + 1)); fi
done
echo "$n"`;

// Grows the root file system into its grown disk ($1, e.g. /dev/vda): directly when it fills the
// whole disk (the lab image), after growing its partition when it sits on one (cloud images).
const GROW_ROOT_FS = `disk=$1
src=$(findmnt -n -o SOURCE /) || { echo "cannot tell where / is mounted from" >&2; exit 2; }
fstype=$(findmnt -n -o FSTYPE /)
case "$src" in
  "$disk") ;;
  "$disk"[0-9]*|"$disk"p[0-9]*)
    part=\${src#"$disk"}; part=\${part#p}
    growpart "$disk" "$part" || [ $? -eq 1 ] || exit 3 ;;
  *) echo "the root file system is on $src, not on $disk" >&2; exit 2 ;;
esac
case "$fstype" in
  ext2|ext3|ext4) resize2fs "$src" ;;
  xfs) xfs_growfs / ;;
  *) echo "cannot grow a $fstype file system online" >&2; exit 2 ;;
esac`;

/** Brings the guest's offline CPUs online; returns how many it brought up. */
export async function onlineGuestCpus(ssh: Client): Promise<number> {
  const r = await execArgs(ssh, ['sh', '-c', ONLINE_CPUS], {
    purpose: 'bringing new vCPUs online',
  });
  if (r.code !== 0) throw new Error(`bringing vCPUs online failed: ${r.stderr.trim()}`);
  return Number(r.stdout.trim()) || 0;
}

/** Grows the guest's root file system into disk `target` (vda → /dev/vda), online. */
export async function growGuestRootFs(ssh: Client, target: string): Promise<void> {
  const r = await execArgs(ssh, ['sh', '-c', GROW_ROOT_FS, 'sh', `/dev/${target}`], {
    purpose: 'growing the root file system',
    timeoutMs: 120_000,
  });
  if (r.code !== 0) {
    throw new Error(`growing the root file system failed: ${(r.stderr || r.stdout).trim()}`);
  }
}
