import type { GuestFile } from './guest-files';

/**
 * Files the cloud-init lab image adds to its debootstrapped tree. Everything else is Debian's own
 * packaging (systemd, cloud-init, ifupdown, GRUB), so the image boots the way Debian's cloud images
 * do and reads Corral's NoCloud seed with the real cloud-init.
 */

/** The root filesystem's label: the boot loader, the initramfs and fstab find root by it. */
export const CLOUD_ROOT_LABEL = 'corral-root';

// GRUB reads this from the root partition; its own messages and the kernel's go to the serial
// console, which is the only screen a Corral node has.
const GRUB_CFG = `set default=0
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "Debian (Corral cloud-init lab image)" {
  search --no-floppy --label --set=root ${CLOUD_ROOT_LABEL}
  linux /vmlinuz root=LABEL=${CLOUD_ROOT_LABEL} ro console=ttyS0,115200
  initrd /initrd.img
}
`;

// Only the NoCloud seed exists here: probing the cloud metadata services that cannot answer
// would cost minutes of timeouts at every boot.
// The image has no locales package: C.UTF-8 is built into libc, en_US.UTF-8 (cloud-init's
// default) would fail to apply.
const CLOUD_CFG = `# Corral lab image: the seed is a cidata disk.
datasource_list: [ NoCloud, None ]
locale: C.UTF-8
`;

const INTERFACES = `# cloud-init renders the seed's network-config into interfaces.d.
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback
`;

const SSHD_CONFIG = `# Corral lab image: keys only.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
`;

/** Every file the cloud image recipe adds, by absolute path. */
export const CLOUD_IMAGE_FILES: Readonly<Record<string, GuestFile>> = {
  '/boot/grub/grub.cfg': { content: GRUB_CFG, mode: 0o644 },
  '/etc/cloud/cloud.cfg.d/90-corral-lab.cfg': { content: CLOUD_CFG, mode: 0o644 },
  '/etc/network/interfaces': { content: INTERFACES, mode: 0o644 },
  '/etc/ssh/sshd_config.d/corral.conf': { content: SSHD_CONFIG, mode: 0o644 },
  '/etc/fstab': {
    content: `LABEL=${CLOUD_ROOT_LABEL} / ext4 errors=remount-ro 0 1\n`,
    mode: 0o644,
  },
  '/etc/hostname': { content: 'localhost\n', mode: 0o644 },
};
