import { describe, expect, it } from 'vitest';
import { parsePreflightDomain } from '../../../core/migration/migration-preflight-domain';

// A cluster node as a running TCG domain's migratable XML shows it (trimmed).
const NODE = `<domain type='qemu'>
  <name>web-0</name>
  <uuid>8a6f0a52-7a4e-4a0c-9d6e-1f2a3b4c5d6e</uuid>
  <metadata>
    <corral:node xmlns:corral="https://corral.dev/xmlns/domain/1" cluster="web" owner="u1" index="0"/>
  </metadata>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>262144</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
    <kernel>/var/lib/libvirt/images/base.qcow2.kernel</kernel>
    <initrd>/var/lib/libvirt/images/base.qcow2.initrd</initrd>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='forbid'>qemu64</model>
    <feature policy='require' name='x2apic'/>
    <feature policy='disable' name='svm'/>
  </cpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web-0.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/libvirt/images/web-0-seed.iso'/>
      <target dev='vdb' bus='virtio'/>
      <readonly/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='bridge'>
      <mac address='52:54:00:aa:bb:01'/>
      <source bridge='br0'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:02'/>
      <source network='default' portid='0f0e' bridge='virbr0'/>
    </interface>
  </devices>
</domain>`;

describe("a VM's definition as the pre-flight reads it", () => {
  it('reads sizes, cluster, boot, disks and NICs by kind', () => {
    const d = parsePreflightDomain(NODE);
    expect(d).toMatchObject({
      name: 'web-0',
      uuid: '8a6f0a52-7a4e-4a0c-9d6e-1f2a3b4c5d6e',
      vcpus: 1,
      memoryKiB: 262144,
      cluster: 'web',
      virtType: 'qemu',
      arch: 'x86_64',
      machine: 'pc-i440fx-7.2',
      kernel: '/var/lib/libvirt/images/base.qcow2.kernel',
      initrd: '/var/lib/libvirt/images/base.qcow2.initrd',
    });
    expect(d.disks).toEqual([
      {
        target: 'vda',
        device: 'disk',
        path: '/var/lib/libvirt/images/web-0.qcow2',
        readonly: false,
      },
      {
        target: 'vdb',
        device: 'disk',
        path: '/var/lib/libvirt/images/web-0-seed.iso',
        readonly: true,
      },
      { target: 'hdc', device: 'cdrom', readonly: true },
    ]);
    // A network NIC names its network, not the bridge libvirt made for it.
    expect(d.nics).toEqual([
      { kind: 'bridge', source: 'br0' },
      { kind: 'network', source: 'default' },
    ]);
  });

  it('keeps the <cpu> element whole, re-rendered, to compare on the target', () => {
    const cpu = parsePreflightDomain(NODE).cpu!;
    expect(cpu.mode).toBe('custom');
    expect(cpu.model).toBe('qemu64');
    expect(cpu.xml).toContain(`<cpu mode="custom" match="exact" check="none">`);
    expect(cpu.xml).toContain(`<model fallback="forbid">qemu64</model>`);
    expect(cpu.xml).toContain(`<feature policy="require" name="x2apic"/>`);
    expect(cpu.xml).toContain(`<feature policy="disable" name="svm"/>`);
    // What was read renders back to the same element.
    const again = parsePreflightDomain(NODE.replace(/<cpu[\s\S]*<\/cpu>/, cpu.xml)).cpu;
    expect(again).toEqual(cpu);
  });

  it('reads no CPU where the domain has none, and host modes without a model', () => {
    expect(parsePreflightDomain(NODE.replace(/<cpu[\s\S]*<\/cpu>/, '')).cpu).toBeUndefined();
    const passthrough = parsePreflightDomain(
      NODE.replace(/<cpu[\s\S]*<\/cpu>/, `<cpu mode='host-passthrough' check='none'/>`),
    ).cpu;
    expect(passthrough).toMatchObject({ mode: 'host-passthrough' });
    expect(passthrough!.model).toBeUndefined();
  });

  it('escapes what it re-renders (a crafted model name stays text)', () => {
    const cpu = parsePreflightDomain(NODE.replace('>qemu64<', '>a&amp;b&lt;x/&gt;<')).cpu!;
    expect(cpu.model).toBe('a&b<x/>');
    expect(cpu.xml).toContain('<model fallback="forbid">a&amp;b&lt;x/&gt;</model>');
  });

  it('refuses XML that is not a domain', () => {
    expect(() => parsePreflightDomain('<pool/>')).toThrow();
    expect(() => parsePreflightDomain('<domain><name>x')).toThrow(/malformed/);
  });
});
