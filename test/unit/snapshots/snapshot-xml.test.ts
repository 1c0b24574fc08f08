import { describe, expect, it } from 'vitest';
import {
  domainVcpus,
  parseSnapshotXml,
  snapshotDisks,
  snapshotXml,
} from '../../../core/snapshots/snapshot-xml';

/** What libvirt 9.0 returned for a lab guest's internal snapshot (trimmed to what is read). */
const LAB_SNAPSHOT = `<domainsnapshot>
  <name>s1</name>
  <description>hello
corral-checkpoint:web</description>
  <state>running</state>
  <parent>
    <name>s0</name>
  </parent>
  <creationTime>1795955025</creationTime>
  <memory snapshot='internal'/>
  <disks>
    <disk name='vda' snapshot='internal'/>
    <disk name='vdb' snapshot='no'/>
  </disks>
  <domain type='qemu'>
    <name>snapx-probe</name>
    <uuid>1aec25dc-1dd4-421b-a2a6-09b30a299e78</uuid>
    <memory unit='KiB'>262144</memory>
    <vcpu placement='static' current='2'>4</vcpu>
    <vcpus>
      <vcpu id='0' enabled='yes' hotpluggable='no' order='1'/>
      <vcpu id='1' enabled='yes' hotpluggable='yes' order='2'/>
      <vcpu id='2' enabled='no' hotpluggable='yes'/>
      <vcpu id='3' enabled='no' hotpluggable='yes'/>
    </vcpus>
  </domain>
  <inactiveDomain type='qemu'>
    <name>snapx-probe</name>
    <vcpu placement='static' current='1'>4</vcpu>
  </inactiveDomain>
</domainsnapshot>`;

const NODE_DOMAIN = `<domain type='qemu'>
  <name>web-0</name>
  <vcpu placement='static' current='1'>2</vcpu>
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
      <driver name='qemu' type='qcow2'/>
      <target dev='sda' bus='sata'/>
    </disk>
  </devices>
</domain>`;

describe('snapshot XML', () => {
  it('builds an internal snapshot with memory, leaving out disks qcow2 cannot hold', () => {
    const xml = snapshotXml({
      name: 'before-upgrade',
      description: 'a <test> & more',
      withMemory: true,
      disks: snapshotDisks(NODE_DOMAIN),
    });
    expect(xml).toBe(
      [
        '<domainsnapshot>',
        '  <name>before-upgrade</name>',
        '  <description>a &lt;test&gt; &amp; more</description>',
        '  <memory snapshot="internal"/>',
        '  <disks>',
        '    <disk name="vda" snapshot="internal"/>',
        '    <disk name="vdb" snapshot="no"/>',
        '    <disk name="sda" snapshot="no"/>',
        '  </disks>',
        '</domainsnapshot>',
      ].join('\n'),
    );
  });

  it('builds a disk-only snapshot of a shut-off VM without a description', () => {
    const xml = snapshotXml({ name: 'off', withMemory: false, disks: [] });
    expect(xml).toBe(
      '<domainsnapshot>\n  <name>off</name>\n  <memory snapshot="no"/>\n</domainsnapshot>',
    );
  });

  it('marks a checkpoint on its own description line and reads it back apart', () => {
    for (const description of [undefined, 'nightly']) {
      const built = snapshotXml({
        name: 'cp1',
        ...(description ? { description } : {}),
        withMemory: true,
        disks: [],
        checkpointOf: 'web',
      });
      // libvirt adds state and time; the description and name come back as written.
      const stored = built.replace(
        '</domainsnapshot>',
        '<state>paused</state><creationTime>0</creationTime></domainsnapshot>',
      );
      const facts = parseSnapshotXml(stored);
      expect(facts.checkpointOf).toBe('web');
      expect(facts.description).toBe(description);
      expect(facts.state).toBe('paused');
    }
  });

  it('reads what a libvirt snapshot holds: parent, time, state, memory and vCPUs', () => {
    expect(parseSnapshotXml(LAB_SNAPSHOT)).toEqual({
      name: 's1',
      description: 'hello',
      checkpointOf: 'web',
      createdAt: new Date(1795955025 * 1000).toISOString(),
      state: 'running',
      withMemory: true,
      parent: 's0',
      vcpus: 2,
      maxVcpus: 4,
      hotpluggedVcpus: 1,
    });
  });

  it('refuses XML that is not a snapshot', () => {
    expect(() => parseSnapshotXml('<domain/>')).toThrow(/not a libvirt snapshot/);
    expect(() => parseSnapshotXml('<domainsnapshot><name>')).toThrow(/malformed/);
  });

  it('reads a domain’s vCPU count and maximum', () => {
    expect(domainVcpus(NODE_DOMAIN)).toEqual({ vcpus: 1, maxVcpus: 2 });
    expect(domainVcpus("<domain><vcpu placement='static'>3</vcpu></domain>")).toEqual({
      vcpus: 3,
      maxVcpus: 3,
    });
  });
});
