import { describe, expect, it } from 'vitest';
import { domainDiskFiles } from '../../../core/migration/migration-storage';

const domain = `<domain type='qemu'><name>web-1</name><devices>
  <disk type='file' device='disk'>
    <driver name='qemu' type='qcow2'/>
    <source file='/var/lib/libvirt/images/web-1.qcow2'/>
    <target dev='vda' bus='virtio'/>
  </disk>
  <disk type='file' device='disk'>
    <driver name='qemu' type='raw'/>
    <source file='/var/lib/libvirt/images/web-1-seed.iso'/>
    <target dev='vdb' bus='virtio'/>
    <readonly/>
  </disk>
  <disk type='file' device='cdrom'>
    <source file='/isos/tools.iso'/>
    <target dev='sda' bus='sata'/>
  </disk>
  <disk type='network' device='disk'>
    <source protocol='nbd' name='x'/>
    <target dev='vdc' bus='virtio'/>
  </disk>
</devices></domain>`;

describe('domainDiskFiles', () => {
  it('lists file disks and marks what QEMU never writes (a read-only seed disk, a CD-ROM)', () => {
    expect(domainDiskFiles(domain)).toEqual([
      { target: 'vda', path: '/var/lib/libvirt/images/web-1.qcow2', readonly: false },
      { target: 'vdb', path: '/var/lib/libvirt/images/web-1-seed.iso', readonly: true },
      { target: 'sda', path: '/isos/tools.iso', readonly: true },
    ]);
  });

  it('finds one disk as well as many, and none in a domain without devices', () => {
    const one = `<domain><devices><disk type='file' device='disk'><source file='/a.qcow2'/><target dev='vda'/></disk></devices></domain>`;
    expect(domainDiskFiles(one)).toEqual([{ target: 'vda', path: '/a.qcow2', readonly: false }]);
    expect(domainDiskFiles('<domain><name>x</name></domain>')).toEqual([]);
  });
});
