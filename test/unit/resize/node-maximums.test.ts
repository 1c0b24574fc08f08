import { describe, expect, it } from 'vitest';
import { ClusterSpec } from '../../../api/clusters-api';
import { nodeMaximums } from '../../../core/clusters/node-maximums';

const host = { cpus: 8, memoryKiB: 16 * 1024 * 1024 };

describe('node ceilings', () => {
  it('default to twice the size', () => {
    expect(nodeMaximums({ memoryMiB: 512, vcpus: 2 }, host)).toEqual({
      maxMemoryMiB: 1024,
      maxVcpus: 4,
    });
  });

  it('are capped by the host, but never below the size itself', () => {
    const small = { cpus: 2, memoryKiB: 768 * 1024 };
    expect(nodeMaximums({ memoryMiB: 512, vcpus: 2 }, small)).toEqual({
      maxMemoryMiB: 768,
      maxVcpus: 2,
    });
    const tiny = { cpus: 1, memoryKiB: 256 * 1024 };
    expect(nodeMaximums({ memoryMiB: 512, vcpus: 2 }, tiny)).toEqual({
      maxMemoryMiB: 512,
      maxVcpus: 2,
    });
  });

  it('take the ceilings the person chose, capped by the host', () => {
    expect(
      nodeMaximums({ memoryMiB: 512, vcpus: 1, maxMemoryMiB: 4096, maxVcpus: 3 }, host),
    ).toEqual({ maxMemoryMiB: 4096, maxVcpus: 3 });
    expect(
      nodeMaximums({ memoryMiB: 512, vcpus: 1, maxMemoryMiB: 64 * 1024, maxVcpus: 32 }, host),
    ).toEqual({ maxMemoryMiB: 16 * 1024, maxVcpus: 8 });
  });

  it('default to twice the size, uncapped, when the host is not known', () => {
    expect(nodeMaximums({ memoryMiB: 256, vcpus: 1 }, undefined)).toEqual({
      maxMemoryMiB: 512,
      maxVcpus: 2,
    });
  });
});

describe('cluster spec ceilings', () => {
  const spec = {
    name: 'web',
    nodes: 1,
    vcpus: 2,
    memoryMiB: 512,
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

  it('are optional (clusters recorded before them still parse)', () => {
    expect(ClusterSpec.safeParse(spec).success).toBe(true);
  });

  it('must be at least the size, with the field named', () => {
    const mem = ClusterSpec.safeParse({ ...spec, maxMemoryMiB: 256 });
    expect(mem.success).toBe(false);
    expect(mem.error?.issues.map((i) => i.path.join('.'))).toEqual(['maxMemoryMiB']);
    const cpu = ClusterSpec.safeParse({ ...spec, maxVcpus: 1 });
    expect(cpu.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['maxVcpus', 'the maximum vCPUs must be at least the vCPUs'],
    ]);
    expect(ClusterSpec.safeParse({ ...spec, maxMemoryMiB: 512, maxVcpus: 2 }).success).toBe(true);
  });
});
