import { el, renderXml } from '../../core/xml/xml-element';
import { LibvirtError, type DomainRef, type LibvirtClient } from '../../native/libvirt';
import { guestInitramfs } from '../../test/integration/support/guest-initramfs';
import { guestKernel } from '../../test/support/guest-kernel';

/** The console bench's guest on lab host 1. */
export const CONSOLE_GUEST = 'corral-bench-console';

const VIR_ERR_NO_DOMAIN = 42;

/**
 * A busybox TCG guest whose init respawns a shell on ttyS0 (boots in ~5 s; the shell echoes what
 * is typed): the smallest thing whose console answers keystrokes. TB cache capped (measured).
 */
export function consoleGuestXml(name: string, kernel: string, initrd: string): string {
  return renderXml(
    el(
      'domain',
      { type: 'qemu' },
      el('name', {}, name),
      el('memory', { unit: 'MiB' }, 160),
      el('vcpu', {}, 1),
      el(
        'os',
        {},
        el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm'),
        el('kernel', {}, kernel),
        el('initrd', {}, initrd),
        el('cmdline', {}, 'console=ttyS0 panic=-1 quiet'),
      ),
      el('features', {}, el('tcg', {}, el('tb-cache', { unit: 'MiB' }, 64))),
      el('on_poweroff', {}, 'destroy'),
      el('on_reboot', {}, 'restart'),
      el('on_crash', {}, 'destroy'),
      el(
        'devices',
        {},
        el('serial', { type: 'pty' }, el('target', { port: 0 })),
        el('console', { type: 'pty' }, el('target', { type: 'serial', port: 0 })),
        el('memballoon', { model: 'none' }),
      ),
    ),
  );
}

/** Defines and starts the console guest (a leftover of an earlier run is replaced first). */
export async function startConsoleGuest(client: LibvirtClient): Promise<DomainRef> {
  await removeConsoleGuest(client);
  const xml = consoleGuestXml(CONSOLE_GUEST, guestKernel().vmlinuz, guestInitramfs());
  const { dom } = await client.call('domainDefineXmlFlags', { xml, flags: 0 });
  return (await client.call('domainCreateWithFlags', { dom, flags: 0 })).dom;
}

/** Destroys and undefines the console guest if it exists. */
export async function removeConsoleGuest(client: LibvirtClient): Promise<void> {
  let dom: DomainRef;
  try {
    dom = (await client.call('domainLookupByName', { name: CONSOLE_GUEST })).dom;
  } catch (err) {
    if (err instanceof LibvirtError && err.code === VIR_ERR_NO_DOMAIN) return;
    throw err;
  }
  await client.call('domainDestroyFlags', { dom, flags: 0 }).catch(() => undefined);
  await client.call('domainUndefineFlags', { dom, flags: 0 });
}
