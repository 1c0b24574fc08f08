import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDomainXml } from '../../../core/inventory/domain-xml';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('parseDomainXml', () => {
  it('reads name, vCPUs, memory, disks, NICs and Corral membership of a running domain', () => {
    const d = parseDomainXml(fixture('web-1-running.xml'));
    expect(d).toEqual({
      name: 'web-1',
      uuid: '4b1c9a5e-2f6d-4e8a-9c3b-7d2e1f0a5b6c',
      vcpus: 2,
      maxVcpus: 4,
      maxMemoryKiB: 524288,
      memoryKiB: 393216,
      disks: [
        {
          target: 'vda',
          source: '/var/lib/libvirt/images/web-1.qcow2',
          format: 'qcow2',
          device: 'disk',
        },
        { target: 'sda', source: 'default/seed-web-1.iso', format: 'raw', device: 'cdrom' },
      ],
      nics: [
        { mac: '52:54:00:ab:cd:01', source: 'br-lab', model: 'virtio' },
        { mac: '52:54:00:ab:cd:02', source: 'default', model: 'e1000' },
      ],
      membership: { cluster: 'web', owner: 'acct-7', index: 1, operation: 'op-42' },
    });
  });

  it('handles a minimal inactive domain: units, entities, no devices, no metadata', () => {
    const d = parseDomainXml(fixture('minimal-inactive.xml'));
    expect(d.name).toBe('corral & friends');
    expect(d.maxMemoryKiB).toBe(160 * 1024);
    expect(d.memoryKiB).toBe(160 * 1024);
    expect(d.vcpus).toBe(1);
    expect(d.disks).toEqual([]);
    expect(d.nics).toEqual([]);
    expect(d.membership).toBeUndefined();
  });

  it('finds Corral metadata by namespace URI whatever the prefix; block devices', () => {
    const d = parseDomainXml(fixture('other-prefix.xml'));
    expect(d.membership).toEqual({ cluster: 'db', owner: 'acct-1', index: 0 });
    // The node's seeded address, keyed by the MAC in lower case like the NICs themselves.
    expect(d.seededAddresses).toEqual({ '52:54:00:db:00:01': ['10.9.0.10/24'] });
    expect(d.maxMemoryKiB).toBe(2 * 1024 * 1024);
    expect(d.disks).toEqual([
      { target: 'vdb', source: '/dev/vg0/db-0', format: 'raw', device: 'disk' },
    ]);
  });

  it('ignores a corral: prefix bound to another namespace', () => {
    const d = parseDomainXml(fixture('foreign-metadata.xml'));
    expect(d.membership).toBeUndefined();
    expect(d.seededAddresses).toBeUndefined();
    expect(d.maxMemoryKiB).toBe(1048576); // no unit attribute: KiB
  });

  it('refuses malformed XML and XML that is not a domain, with a clear message', () => {
    expect(() => parseDomainXml(fixture('malformed.xml'))).toThrow(/malformed/);
    expect(() => parseDomainXml('<network><name>x</name></network>')).toThrow(/no <domain>/);
    expect(() => parseDomainXml('<domain><name>x</name></domain>')).toThrow(/<uuid>/);
  });
});
