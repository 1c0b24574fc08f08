import { LOCAL_LIBVIRT_SOCKET } from '../../../core/system/local-libvirt-probe';
import { LibvirtClient, connectUnixSocket, type DomainRef } from '../../../native/libvirt';
import { guestInitramfs } from '../../integration/support/guest-initramfs';
import { guestDomainXml, type GuestSpec } from '../../integration/support/guest-xml';
import { guestKernel } from '../../support/guest-kernel';

const connectLocal = () =>
  LibvirtClient.connect(() => connectUnixSocket(LOCAL_LIBVIRT_SOCKET), { uri: 'qemu:///system' });

/**
 * Defines and starts a busybox TCG guest named `spec.name` on this machine's libvirtd ("This
 * computer"); `removeLocalGuest` takes it away again.
 */
export async function startLocalGuest(
  spec: Omit<GuestSpec, 'kernel' | 'initrd'>,
): Promise<DomainRef> {
  const libvirt = await connectLocal();
  try {
    const xml = guestDomainXml({
      ...spec,
      kernel: guestKernel().vmlinuz,
      initrd: guestInitramfs(),
    });
    const { dom: defined } = await libvirt.call('domainDefineXmlFlags', { xml, flags: 0 });
    const { dom } = await libvirt.call('domainCreateWithFlags', { dom: defined, flags: 0 });
    return dom;
  } finally {
    await libvirt.close().catch(() => {});
  }
}

/**
 * Destroys and undefines the guest `name` if it is there. A connection of its own: one held
 * since the start may have dropped with the daemon during the test.
 */
export async function removeLocalGuest(name: string): Promise<void> {
  const libvirt = await connectLocal();
  try {
    const found = await libvirt.call('domainLookupByName', { name }).catch(() => undefined);
    if (found) {
      await libvirt.call('domainDestroyFlags', { dom: found.dom, flags: 0 }).catch(() => {});
      await libvirt.call('domainUndefineFlags', { dom: found.dom, flags: 0 }).catch(() => {});
    }
  } finally {
    await libvirt.close();
  }
}
