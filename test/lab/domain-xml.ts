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

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A TCG domain (KVM hangs guests on these machines, LAB-NOTES) with a capped translation cache,
 * direct kernel boot, a virtio root overlay, a read-only seed disk, a NIC on the host bridge and a
 * pty serial console that virtlogd also writes to a file.
 */
export function guestDomainXml(spec: GuestDomainSpec): string {
  const e = xmlEscape;
  const tcg = spec.tcgCacheMiB ?? LAB.tcgCacheMiB;
  return `<domain type='qemu'>
  <name>${e(spec.name)}</name>
  <memory unit='MiB'>${Math.trunc(spec.memoryMiB)}</memory>
  <vcpu>${Math.trunc(spec.vcpus)}</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${e(spec.kernel)}</kernel>
    <initrd>${e(spec.initrd)}</initrd>
    <cmdline>${e(spec.cmdline)}</cmdline>
  </os>
  <features>
    <acpi/>
    <tcg>
      <tb-cache unit='MiB'>${Math.trunc(tcg)}</tb-cache>
    </tcg>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${e(spec.disk)}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${e(spec.seed)}'/>
      <target dev='vdb' bus='virtio'/>
      <readonly/>
    </disk>
    <interface type='bridge'>
      <mac address='${e(spec.mac)}'/>
      <source bridge='${e(spec.bridge)}'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <log file='${e(spec.consoleLog)}' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

/**
 * A qcow2 volume backed by a base image: a linked clone. Written as XML because `virsh
 * vol-create-as --backing-vol` insists the base be a volume of some pool.
 */
export function overlayVolumeXml(name: string, capacityBytes: number, backingPath: string): string {
  const e = xmlEscape;
  return `<volume type='file'>
  <name>${e(name)}</name>
  <capacity unit='bytes'>${Math.trunc(capacityBytes)}</capacity>
  <target>
    <format type='qcow2'/>
  </target>
  <backingStore>
    <path>${e(backingPath)}</path>
    <format type='qcow2'/>
  </backingStore>
</volume>
`;
}
