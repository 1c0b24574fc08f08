import { describe, expect, it } from 'vitest';
import { ClusterSpec } from '../../../api/clusters-api';
import { nodeMetadataElement } from '../../../core/clusters/node-blueprint';
import { parseNodeDetails } from '../../../core/clusters/node-metadata';
import { parseDomainXml, pendingSizes } from '../../../core/inventory/domain-xml';
import { resizedSpec } from '../../../core/resize/node-records';
import { renderXml } from '../../../core/xml/xml-element';

const spec = {
  name: 'web',
  nodes: 2,
  vcpus: 1,
  memoryMiB: 256,
  maxMemoryMiB: 512,
  diskGiB: 2,
  nics: [
    {
      source: { kind: 'bridge', bridge: 'br0' },
      addresses: { cidr: '10.0.0.0/24', first: '10.0.0.10', last: '10.0.0.20' },
    },
  ],
  image: 'base.qcow2',
  placement: { kind: 'round-robin' },
};

describe("a cluster's recorded sizes", () => {
  it('take the new sizes and keep everything else', () => {
    const next = JSON.parse(resizedSpec(JSON.stringify(spec), { vcpus: 2, diskGiB: 4 }));
    expect(next).toEqual({ ...spec, vcpus: 2, diskGiB: 4 });
  });

  it('raise a ceiling the new size passes, so the spec still parses', () => {
    const next = JSON.parse(resizedSpec(JSON.stringify(spec), { memoryMiB: 1024 }));
    expect([next.memoryMiB, next.maxMemoryMiB]).toEqual([1024, 1024]);
    expect(ClusterSpec.safeParse(next).success).toBe(true);
  });

  it('are written as a bare element (libvirt adds the namespace) with every child', () => {
    const xml = renderXml(
      nodeMetadataElement(
        {
          metadata: { cluster: 'web', owner: 'u1', index: 0, operation: 'op-1', clusterId: 'c1' },
          nics: [{ mac: '52:54:00:aa:bb:cc', address: '10.0.0.5/24' }],
          hostKey: 'ssh-ed25519 AAAAhost',
          clusterKey: 'ssh-ed25519 AAAAcluster',
          spec: '{"a":"<b>"}',
        },
        true,
      ),
    );
    expect(xml).not.toContain('corral');
    expect(xml).toMatch(
      /^<node cluster="web" owner="u1" index="0" operation="op-1" cluster-id="c1">/,
    );
    // What libvirt stores: the same element under Corral's prefix and namespace.
    const stored = `<domain><name>web-0</name><metadata>${xml
      .replace('<node ', '<corral:node xmlns:corral="https://corral.dev/xmlns/domain/1" ')
      .replace(
        /<(\/?)(nic|host-key|cluster-key|spec|node)\b/g,
        '<$1corral:$2',
      )}</metadata></domain>`;
    expect(parseNodeDetails(stored)).toMatchObject({
      cluster: 'web',
      clusterId: 'c1',
      nics: [{ mac: '52:54:00:aa:bb:cc', address: '10.0.0.5/24' }],
      hostKey: 'ssh-ed25519 AAAAhost',
      spec: '{"a":"<b>"}',
    });
  });
});

describe('pending sizes', () => {
  const domain = (memory: number, current: number, vcpus: string) =>
    parseDomainXml(
      `<domain><name>d</name><uuid>0b6c2f7e-52b1-4a57-9d43-5b8f2f0c4d11</uuid>` +
        `<memory unit="MiB">${memory}</memory><currentMemory unit="MiB">${current}</currentMemory>` +
        `${vcpus}</domain>`,
    );

  it('are what the definition holds that the running domain does not', () => {
    const live = domain(512, 256, '<vcpu current="1">2</vcpu>');
    const next = domain(1024, 1024, '<vcpu current="3">3</vcpu>');
    expect(pendingSizes(live, next)).toEqual({
      memoryKiB: 1024 * 1024,
      maxMemoryKiB: 1024 * 1024,
      vcpus: 3,
      maxVcpus: 3,
    });
    expect(pendingSizes(live, live)).toBeUndefined();
  });

  it('leave out memory the balloon is still on its way to (within the ceiling)', () => {
    const live = domain(512, 384, '<vcpu current="1">2</vcpu>');
    expect(pendingSizes(live, domain(512, 256, '<vcpu current="1">2</vcpu>'))).toBeUndefined();
    expect(pendingSizes(live, domain(512, 256, '<vcpu current="2">2</vcpu>'))).toEqual({
      vcpus: 2,
    });
  });
});
