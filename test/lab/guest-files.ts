/**
 * Files baked into the guest image. Full cloud-init (Python, ~40 MB, 20-40 s of start-up under
 * TCG) would double a guest's boot time, so the image carries a small first-boot script that reads
 * the same NoCloud seed (a `cidata` disk) for the subset Corral writes: hostname, root's
 * authorized keys, SSH host key, write_files, network-config v2 static addresses and the serial
 * console sign-in (a password hash, or automatic sign-in). Real cloud images read the same seed
 * with cloud-init, so Corral has one provisioning path.
 */

/** A file to place in the guest root filesystem. */
export interface GuestFile {
  content: string;
  mode: number;
}

/** The console line a guest prints when sshd is listening (followed by its hostname). */
export const READY_MARKER = 'CORRAL-READY';

// Flattens the block-style YAML subset of seeds into `path<TAB>value` lines (values JSON-unescaped,
// newlines kept as \n), or prints one value raw with -v get=PATH. Sequences index from 0.
const YAML_AWK = String.raw`
function unq(v,   out, i, c, d) {
  if (v ~ /^".*"$/) {
    v = substr(v, 2, length(v) - 2); out = ""
    for (i = 1; i <= length(v); i++) {
      c = substr(v, i, 1)
      if (c == "\\") {
        i++; d = substr(v, i, 1)
        if (d == "n") c = "\n"; else if (d == "t") c = "\t"; else if (d == "r") c = "\r"
        else if (d == "u") { c = "?"; i += 4 } else if (d == "U") { c = "?"; i += 8 } else c = d
      }
      out = out c
    }
    return out
  }
  if (v ~ /^'.*'$/) { v = substr(v, 2, length(v) - 2); gsub(/''/, "'", v); return v }
  sub(/[ \t]+#.*$/, "", v); sub(/[ \t]+$/, "", v)
  return v
}
function emit(p, v) {
  if (get != "") { if (p == get) { printf "%s", v; found = 1 } ; return }
  gsub(/\\/, "\\\\", v); gsub(/\n/, "\\n", v); print p "\t" v
}
function entry(prefix, s, ind,   k, v, m) {
  if (match(s, /^("[^"]*"|'[^']*'|[^ :'"][^:]*):( |$)/)) {
    k = substr(s, 1, RLENGTH - 1); sub(/:[ ]?$/, "", k); k = unq(k)
    v = substr(s, RLENGTH + 1); sub(/^[ \t]+/, "", v)
    m = (prefix == "") ? k : prefix "." k
    if (v == "" || v ~ /^#/) { n++; ind_[n] = ind; path_[n] = m } else emit(m, unq(v))
  }
}
{
  line = $0; sub(/\r$/, "", line)
  if (line ~ /^[ \t]*(#|$)/) next
  match(line, /^ */); ind = RLENGTH; s = substr(line, ind + 1)
  while (n > 0 && ind <= ind_[n]) n--
  prefix = (n > 0) ? path_[n] : ""
  if (s ~ /^-( |$)/) {
    idx = cnt[prefix] + 0; cnt[prefix] = idx + 1
    ip = (prefix == "") ? idx : prefix "." idx
    rest = substr(s, 3)
    if (rest ~ /^("[^"]*"|'[^']*'|[^ :'"][^:]*):( |$)/) { n++; ind_[n] = ind; path_[n] = ip; entry(ip, rest, ind + 2) }
    else emit(ip, unq(rest))
  } else entry(prefix, s, ind)
}
END { if (get != "" && !found) exit 1 }
`;

const BOOT_SCRIPT = String.raw`#!/bin/sh
# Corral guest first boot: mount, apply the NoCloud seed, start sshd, print the ready marker.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sys /sys 2>/dev/null
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /run /tmp
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -o remount,rw /
ip link set lo up
say() { echo "corral-boot: $*" > /dev/ttyS0; }

yflat() { awk -f /usr/local/lib/corral/yaml.awk "$1"; }
yget() { awk -v get="$2" -f /usr/local/lib/corral/yaml.awk "$1"; }
ylist() { yflat "$1" | awk -F '\t' -v p="$2" 'index($1, p ".") == 1 && substr($1, length(p) + 2) ~ /^[0-9]+$/ { print $2 }'; }

seed=/run/corral-seed
mkdir -p "$seed"
dev=$(blkid -t LABEL=cidata -o device 2>/dev/null | head -n 1)
[ -n "$dev" ] || dev=$(blkid -t LABEL=CIDATA -o device 2>/dev/null | head -n 1)
if [ -n "$dev" ] && mount -o ro "$dev" "$seed"; then
  md="$seed/meta-data"; ud="$seed/user-data"; nc="$seed/network-config"
  name=$(yget "$md" local-hostname || yget "$ud" hostname || echo corral-guest)
  hostname "$name"; echo "$name" > /etc/hostname
  printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$name" > /etc/hosts
  mkdir -p /root/.ssh; chmod 700 /root/.ssh
  ylist "$ud" ssh_authorized_keys > /root/.ssh/authorized_keys
  chmod 600 /root/.ssh/authorized_keys
  for t in ed25519 ecdsa rsa; do
    if yget "$ud" "ssh_keys.$t"_private > /run/hk 2>/dev/null; then
      rm -f /etc/ssh/ssh_host_*
      install -m 600 /run/hk "/etc/ssh/ssh_host_$t"_key
      yget "$ud" "ssh_keys.$t"_public > "/etc/ssh/ssh_host_$t"_key.pub; echo >> "/etc/ssh/ssh_host_$t"_key.pub
    fi
    rm -f /run/hk
  done
  i=0
  while p=$(yget "$ud" "write_files.$i.path"); do
    mkdir -p "$(dirname "$p")"
    yget "$ud" "write_files.$i.content" > "$p"
    m=$(yget "$ud" "write_files.$i.permissions") && chmod "$m" "$p"
    i=$((i + 1))
  done
  if [ -f "$nc" ]; then
    for id in $(yflat "$nc" | sed -n 's/^ethernets\.\([^.]*\)\..*/\1/p' | sort -u); do
      ifc="$id"
      if mac=$(yget "$nc" "ethernets.$id.match.macaddress"); then
        for a in /sys/class/net/*; do
          [ "$(cat "$a/address")" = "$mac" ] && ifc=$(basename "$a")
        done
      fi
      ip link set "$ifc" up
      for addr in $(ylist "$nc" "ethernets.$id.addresses"); do ip addr add "$addr" dev "$ifc"; done
      gw=$(yget "$nc" "ethernets.$id.gateway4") || gw=$(yget "$nc" "ethernets.$id.routes.0.via") || gw=
      [ -n "$gw" ] && ip route add default via "$gw" dev "$ifc"
      ns=$(ylist "$nc" "ethernets.$id.nameservers.addresses")
      [ -n "$ns" ] && for s in $ns; do echo "nameserver $s"; done > /etc/resolv.conf
    done
  fi
  /usr/local/sbin/corral-console-signin "$ud" /run/corral-console-autologin > /dev/ttyS0 2>&1
  umount "$seed"
else
  say "no cidata seed found"
  hostname corral-guest
fi
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A
mkdir -p /run/sshd
/usr/sbin/sshd
# The QEMU guest agent on its virtio-serial port (no udev here to make the by-name link).
for port in /sys/class/virtio-ports/*; do
  [ "$(cat "$port/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] &&
    /usr/sbin/qemu-ga -d -m virtio-serial -p "/dev/$(basename "$port")"
done
echo "${READY_MARKER} $(hostname)" > /dev/ttyS0
`;

const INITTAB = `# busybox init: the first-boot script, then the serial console's getty (signs in as the seed asks).
::sysinit:/usr/local/sbin/corral-boot
ttyS0::respawn:/usr/local/sbin/corral-getty
::ctrlaltdel:/bin/busybox reboot
::shutdown:/bin/busybox sync
`;

// The seed's serial console sign-in, applied as cloud-init and the systemd getty drop-in would on
// an image with systemd. Its own file so it can be checked against real seeds off the guest.
const CONSOLE_SIGNIN_SCRIPT = String.raw`#!/bin/sh
# Applies the seed's serial console sign-in: root's password from its hash (cloud-init's chpasswd
# users, type hash), or the user the console signs in by itself, named by the getty drop-in the
# seed's bootcmd writes. This image has no systemd: corral-getty reads that user from OUT.
# Usage: corral-console-signin USER-DATA OUT [ROOT]   (ROOT: apply to another tree than /)
ud=$1 out=$2 root=$3
yaml="$(dirname "$0")/../lib/corral/yaml.awk"
yget() { awk -v get="$1" -f "$yaml" "$ud"; }
setpw() { if [ -n "$root" ]; then chpasswd -e -R "$root"; else chpasswd -e; fi; }
rm -f "$out"
i=0
while user=$(yget "chpasswd.users.$i.name"); do
  if [ "$(yget "chpasswd.users.$i.type")" = hash ] && hash=$(yget "chpasswd.users.$i.password"); then
    printf '%s:%s\n' "$user" "$hash" | setpw && echo "corral-boot: console password set for $user"
  fi
  i=$((i + 1))
done
auto=$(awk -f "$yaml" "$ud" |
  awk -F '\t' '$1 ~ /^bootcmd\.[0-9]+$/ && index($2, "serial-getty@ttyS0.service.d/") { print $2 }' |
  sed -n 's/.*--autologin \([a-z_][a-z0-9_-]*\) .*/\1/p' | head -n 1)
if [ -n "$auto" ]; then
  echo "$auto" > "$out"
  echo "corral-boot: the serial console signs $auto in"
fi
`;

// busybox init reads inittab before the first-boot script runs, so the choice the script read
// from the seed is taken here, each time the getty respawns.
const GETTY_SCRIPT = String.raw`#!/bin/sh
# Corral guest serial console: automatic sign-in when the seed asked for it, else a login prompt.
user=$(cat /run/corral-console-autologin 2>/dev/null)
if [ -n "$user" ]; then
  exec /sbin/agetty --autologin "$user" -L 115200 ttyS0 vt100
fi
exec /sbin/agetty -L 115200 ttyS0 vt100
`;

const SSHD_CONFIG = `# Corral lab guest: keys only.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
`;

/** Every file the image recipe adds to the debootstrapped tree, by absolute path. */
export const GUEST_FILES: Readonly<Record<string, GuestFile>> = {
  '/usr/local/sbin/corral-boot': { content: BOOT_SCRIPT, mode: 0o755 },
  '/usr/local/lib/corral/yaml.awk': { content: YAML_AWK, mode: 0o644 },
  '/usr/local/sbin/corral-getty': { content: GETTY_SCRIPT, mode: 0o755 },
  '/usr/local/sbin/corral-console-signin': { content: CONSOLE_SIGNIN_SCRIPT, mode: 0o755 },
  '/etc/inittab': { content: INITTAB, mode: 0o644 },
  '/etc/ssh/sshd_config.d/corral.conf': { content: SSHD_CONFIG, mode: 0o644 },
  '/etc/fstab': { content: '# root is mounted by the initramfs\n', mode: 0o644 },
  '/etc/hostname': { content: 'corral-guest\n', mode: 0o644 },
};
