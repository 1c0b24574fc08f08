import { el, renderXml as toXml, type XmlElement } from '../../../core/xml/xml-element';

/** What a small TCG test guest needs. */
export interface GuestSpec {
  name: string;
  kernel: string;
  initrd: string;
  memoryMiB?: number;
  /** Optional raw disk image attached as vda. */
  diskPath?: string;
  /** Optional element for the domain's <metadata> (Corral's membership, for ownership tests). */
  metadata?: XmlElement;
}

/**
 * Domain XML of a busybox guest: TCG (KVM hangs here), capped TB cache (measured: else
 * 1.4 GiB RSS), serial console on ttyS0.
 */
export function guestDomainXml(g: GuestSpec): string {
  const devices = [
    el('serial', { type: 'pty' }, el('target', { port: 0 })),
    el('console', { type: 'pty' }, el('target', { type: 'serial', port: 0 })),
    el('memballoon', { model: 'none' }),
  ];
  if (g.diskPath) {
    devices.unshift(
      el(
        'disk',
        { type: 'file', device: 'disk' },
        el('driver', { name: 'qemu', type: 'raw' }),
        el('source', { file: g.diskPath }),
        el('target', { dev: 'vda', bus: 'virtio' }),
      ),
    );
  }
  return toXml(
    el(
      'domain',
      { type: 'qemu' },
      el('name', {}, g.name),
      g.metadata && el('metadata', {}, g.metadata),
      el('memory', { unit: 'MiB' }, String(g.memoryMiB ?? 160)),
      el('vcpu', {}, '1'),
      el(
        'os',
        {},
        el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm'),
        el('kernel', {}, g.kernel),
        el('initrd', {}, g.initrd),
        el('cmdline', {}, 'console=ttyS0 panic=-1 quiet'),
      ),
      el('features', {}, el('tcg', {}, el('tb-cache', { unit: 'MiB' }, '64'))),
      el('on_poweroff', {}, 'destroy'),
      el('on_reboot', {}, 'restart'),
      el('on_crash', {}, 'destroy'),
      el('devices', {}, ...devices),
    ),
  );
}
