import { el, renderXml } from '../../core/xml/xml-element';
import { LAB } from './config';

/** What a lab guest's libvirt domain is made of. */
export interface GuestDomainSpec {
  name: string;
  memoryMiB: number;
  vcpus: number;
  kernel: string;
  initrd: string;
  cmdline: string;
  /** The guest's qcow2 overlay (linked clone of the base image). */
  disk: string;
  /** The NoCloud `cidata` seed disk. */
  seed: string;
  mac: string;
  /** The bridge inside the host namespace. */
  bridge: string;
  /** Where virtlogd copies the serial console (the ready marker is read from here). */
  consoleLog: string;
  tcgCacheMiB?: number;
}

/**
 * A TCG domain (KVM hangs guests on these machines, measured) with a capped translation cache,
 * direct kernel boot, a virtio root overlay, a read-only seed disk, a NIC on the host bridge and a
 * pty serial console that virtlogd also writes to a file. Built with core's escaping XML builder.
 */
export function guestDomainXml(spec: GuestDomainSpec): string {
  const tcg = spec.tcgCacheMiB ?? LAB.tcgCacheMiB;
  const disk = (file: string, format: string, dev: string, readonly: boolean) =>
    el(
      'disk',
      { type: 'file', device: 'disk' },
      el('driver', { name: 'qemu', type: format }),
      el('source', { file }),
      el('target', { dev, bus: 'virtio' }),
      readonly && el('readonly'),
    );
  const domain = el(
    'domain',
    { type: 'qemu' },
    el('name', {}, spec.name),
    el('memory', { unit: 'MiB' }, Math.trunc(spec.memoryMiB)),
    el('vcpu', {}, Math.trunc(spec.vcpus)),
    el(
      'os',
      {},
      el('type', { arch: 'x86_64', machine: 'pc' }, 'hvm'),
      el('kernel', {}, spec.kernel),
      el('initrd', {}, spec.initrd),
      el('cmdline', {}, spec.cmdline),
    ),
    el('features', {}, el('acpi'), el('tcg', {}, el('tb-cache', { unit: 'MiB' }, Math.trunc(tcg)))),
    el('clock', { offset: 'utc' }),
    el('on_poweroff', {}, 'destroy'),
    el('on_reboot', {}, 'restart'),
    el('on_crash', {}, 'destroy'),
    el(
      'devices',
      {},
      el('emulator', {}, '/usr/bin/qemu-system-x86_64'),
      disk(spec.disk, 'qcow2', 'vda', false),
      disk(spec.seed, 'raw', 'vdb', true),
      el(
        'interface',
        { type: 'bridge' },
        el('mac', { address: spec.mac }),
        el('source', { bridge: spec.bridge }),
        el('model', { type: 'virtio' }),
      ),
      el(
        'serial',
        { type: 'pty' },
        el('log', { file: spec.consoleLog, append: 'off' }),
        el('target', { port: 0 }),
      ),
      el('console', { type: 'pty' }, el('target', { type: 'serial', port: 0 })),
      el('memballoon', { model: 'none' }),
    ),
  );
  return `${renderXml(domain)}\n`;
}
