import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  nodeMac,
  nodeName,
  overlayVolumeName,
  seedVolumeName,
} from '../../../core/clusters/cluster-naming';
import {
  nodeDomainXml,
  overlayVolumeXml,
  rawVolumeXml,
  type NodeBlueprint,
} from '../../../core/clusters/node-blueprint';
import { parseNodeDetails } from '../../../core/clusters/node-metadata';
import { parseDomainXml } from '../../../core/inventory/domain-xml';

const bp: NodeBlueprint = {
  name: 'web-0',
  uuid: '0b6c2f7e-52b1-4a57-9d43-5b8f2f0c4d11',
  vcpus: 2,
  memoryMiB: 256,
  overlayPath: '/var/lib/libvirt/images/web-0.qcow2',
  seedPath: '/var/lib/libvirt/images/web-0-seed.iso',
  boot: {
    kind: 'kernel',
    kernelPath: '/img/vmlinuz',
    initrdPath: '/img/initrd',
    cmdline: 'console=ttyS0 root=/dev/vda rw',
  },
  nics: [
    { source: { kind: 'bridge', bridge: 'br0' }, mac: '52:54:00:aa:bb:cc', address: '10.0.0.5/24' },
    {
      source: { kind: 'network', network: 'default' },
      mac: '52:54:00:aa:bb:cd',
      address: '10.1.0.5/16',
    },
  ],
  metadata: { cluster: 'web', owner: 'u1', index: 0, operation: 'op-1' },
  hostKey: 'ssh-ed25519 AAAAhost web-0',
  clusterKey: 'ssh-ed25519 AAAAcluster web',
  spec: '{"name":"web"}',
};

describe('node names', () => {
  it('derive every resource name from cluster and index', () => {
    expect(nodeName('web', 3)).toBe('web-3');
    expect(overlayVolumeName('web', 3)).toBe('web-3.qcow2');
    expect(seedVolumeName('web', 3)).toBe('web-3-seed.iso');
  });

  it('gives stable, distinct, locally administered MACs', () => {
    expect(nodeMac('web', 0, 0)).toBe(nodeMac('web', 0, 0));
    const macs = new Set<string>();
    for (let i = 0; i < 64; i++) for (let n = 0; n < 4; n++) macs.add(nodeMac('web', i, n));
    expect(macs.size).toBe(256);
    for (const m of macs) expect(m).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });
});

describe('node domain XML', () => {
  const xml = nodeDomainXml(bp);

  it('is well-formed and reads back through the inventory parser with its membership', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const facts = parseDomainXml(xml);
    expect(facts.name).toBe('web-0');
    expect(facts.vcpus).toBe(2);
    expect(facts.maxMemoryKiB).toBe(256 * 1024);
    expect(facts.membership).toEqual({ cluster: 'web', owner: 'u1', index: 0, operation: 'op-1' });
    expect(facts.nics.map((n) => [n.mac, n.source])).toEqual([
      ['52:54:00:aa:bb:cc', 'br0'],
      ['52:54:00:aa:bb:cd', 'default'],
    ]);
    expect(facts.disks.map((d) => d.source)).toEqual([bp.overlayPath, bp.seedPath]);
    // What the inventory shows for a node with neither guest agent nor DHCP leases.
    expect(facts.seededAddresses).toEqual({
      '52:54:00:aa:bb:cc': ['10.0.0.5/24'],
      '52:54:00:aa:bb:cd': ['10.1.0.5/16'],
    });
  });

  it('is a TCG domain with a capped translation cache, direct kernel boot and a serial console', () => {
    expect(xml).toMatch(/<domain type="qemu">/);
    expect(xml).toMatch(/<tcg>\s*<tb-cache unit="MiB">64<\/tb-cache>\s*<\/tcg>/);
    expect(xml).toContain('<kernel>/img/vmlinuz</kernel>');
    expect(xml).toContain('<cmdline>console=ttyS0 root=/dev/vda rw</cmdline>');
    expect(xml).toMatch(/<serial type="pty">/);
    expect(xml).toMatch(/<readonly\/>/);
    expect(xml).not.toContain('<boot ');
  });

  it('is defined with memory and vCPU ceilings above its size, a balloon and the guest agent channel', () => {
    const grown = nodeDomainXml({ ...bp, maxMemoryMiB: 512, maxVcpus: 4 });
    expect(grown).toContain('<memory unit="MiB">512</memory>');
    expect(grown).toContain('<currentMemory unit="MiB">256</currentMemory>');
    expect(grown).toContain('<vcpu placement="static" current="2">4</vcpu>');
    expect(grown).toContain('<memballoon model="virtio"/>');
    expect(grown).toMatch(
      /<channel type="unix">\s*<target type="virtio" name="org.qemu.guest_agent.0"\/>\s*<\/channel>/,
    );
    const facts = parseDomainXml(grown);
    expect([facts.memoryKiB, facts.maxMemoryKiB]).toEqual([256 * 1024, 512 * 1024]);
    expect([facts.vcpus, facts.maxVcpus]).toEqual([2, 4]);
  });

  it('has ceilings equal to its size when none is given, never below it', () => {
    const facts = parseDomainXml(xml);
    expect([facts.memoryKiB, facts.maxMemoryKiB, facts.vcpus, facts.maxVcpus]).toEqual([
      256 * 1024,
      256 * 1024,
      2,
      2,
    ]);
    const below = parseDomainXml(nodeDomainXml({ ...bp, maxMemoryMiB: 128, maxVcpus: 1 }));
    expect([below.maxMemoryKiB, below.maxVcpus]).toEqual([256 * 1024, 2]);
  });

  it('boots from disk when the image has a boot loader', () => {
    const disk = nodeDomainXml({ ...bp, boot: { kind: 'disk' } });
    expect(disk).toContain('<boot dev="hd"/>');
    expect(disk).not.toContain('<kernel>');
  });

  it('carries addresses, keys and the spec in Corral metadata, read back by namespace', () => {
    const details = parseNodeDetails(xml);
    expect(details).toEqual({
      name: 'web-0',
      cluster: 'web',
      owner: 'u1',
      index: 0,
      operation: 'op-1',
      nics: [
        { mac: '52:54:00:aa:bb:cc', address: '10.0.0.5/24' },
        { mac: '52:54:00:aa:bb:cd', address: '10.1.0.5/16' },
      ],
      hostKey: bp.hostKey,
      clusterKey: bp.clusterKey,
      spec: bp.spec,
    });
    expect(parseNodeDetails('<domain><name>x</name></domain>')).toBeUndefined();
  });

  it('escapes hostile text instead of pasting it', () => {
    const evil = nodeDomainXml({ ...bp, name: 'a<b>&"c\'', spec: '</corral:spec><x/>' });
    expect(XMLValidator.validate(evil)).toBe(true);
    expect(parseNodeDetails(evil)?.name).toBe('a<b>&"c\'');
    expect(parseNodeDetails(evil)?.spec).toBe('</corral:spec><x/>');
  });
});

describe('volume XML', () => {
  it('makes a qcow2 overlay backed by the base image, grown to the requested size', () => {
    const xml = overlayVolumeXml('web-0.qcow2', 10 * 1024 ** 3, {
      path: '/pool/base.qcow2',
      format: 'qcow2',
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<capacity unit="bytes">10737418240</capacity>');
    expect(xml).toMatch(
      /<backingStore>\s*<path>\/pool\/base.qcow2<\/path>\s*<format type="qcow2"\/>/,
    );
    expect(xml).toMatch(/<target>\s*<format type="qcow2"\/>\s*<compat>1.1<\/compat>/);
  });

  it('makes a raw volume of the exact seed size', () => {
    const xml = rawVolumeXml('web-0-seed.iso', 53248);
    expect(xml).toContain('<capacity unit="bytes">53248</capacity>');
    expect(xml).toContain('<format type="raw"/>');
  });
});
