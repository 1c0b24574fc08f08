/**
 * How Corral boots a base image with `boot.kind === 'kernel'` (the lab's Debian image and other
 * minimal images without a boot loader): libvirt's direct kernel boot with the image's
 * `<image>.kernel` and `<image>.initrd` companion volumes, and this kernel command line.
 *
 * What the image's initramfs and first-boot script expect (test/lab/initramfs.ts, guest-files.ts):
 * - `root=/dev/vda`: the root filesystem is the first virtio disk — the node's qcow2 overlay on
 *   the base. The initramfs loads virtio/ext4 and mounts it read-write (`rw`).
 * - `console=ttyS0,115200`: kernel and boot messages on the first serial port, which the domain
 *   exposes as its `<serial type='pty'>` console (Corral's console pane, and the ready marker
 *   `CORRAL-READY <hostname>` the first-boot script prints once sshd listens).
 * - The NoCloud seed needs no parameter: the first-boot script finds it by its filesystem label
 *   `cidata` (any disk; Corral attaches it as a read-only raw `vdb`).
 */
export interface KernelCmdlineOptions {
  /** The root disk as the guest sees it; `/dev/vda` when the overlay is the first virtio disk. */
  rootDevice?: string;
  /** Kernel messages kept short on the console (default true). */
  quiet?: boolean;
}

/** The kernel command line for a direct-kernel-boot base image (see the module comment). */
export function kernelCmdline(options: KernelCmdlineOptions = {}): string {
  const root = options.rootDevice ?? '/dev/vda';
  if (!/^\/dev\/[a-z0-9]+$/.test(root)) throw new Error(`not a block device path: ${root}`);
  const words = ['console=ttyS0,115200', `root=${root}`, 'rw'];
  if (options.quiet ?? true) words.push('quiet');
  return words.join(' ');
}
