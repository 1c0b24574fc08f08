import { describe, expect, it } from 'vitest';
import {
  ceilingHint,
  initialClusterFields,
  toClusterSpec,
  type ClusterFields,
} from '../../../renderer/views/clusters/cluster-form';
import { pendingText } from '../../../renderer/views/vm-ops/pending-text';

const valid: ClusterFields = {
  ...initialClusterFields,
  name: 'mpi-lab',
  memoryMiB: '512',
  vcpus: '1',
  image: 'corral-lab-base.qcow2',
  nics: [
    {
      kind: 'bridge',
      source: 'br0',
      cidr: '10.213.0.0/24',
      first: '10.213.0.150',
      last: '10.213.0.199',
      gateway: '',
    },
  ],
};

describe('the wizard’s maximum memory and vCPUs', () => {
  it('leaves empty ceilings out, so the server’s default (twice, capped by the host) applies', () => {
    const r = toClusterSpec(valid);
    expect(r.ok && 'maxMemoryMiB' in r.spec && r.spec.maxMemoryMiB !== undefined).toBe(false);
    expect(r.ok && r.spec.maxVcpus).toBeUndefined();
  });

  it('sends typed ceilings and keys one below the size to its own input', () => {
    const r = toClusterSpec({ ...valid, maxMemoryMiB: '2048', maxVcpus: '4' });
    expect(r.ok && [r.spec.maxMemoryMiB, r.spec.maxVcpus]).toEqual([2048, 4]);
    expect(toClusterSpec({ ...valid, maxMemoryMiB: '256' })).toEqual({
      ok: false,
      errors: { maxMemoryMiB: 'the maximum memory must be at least the memory' },
    });
    expect(toClusterSpec({ ...valid, maxVcpus: 'x' })).toEqual({
      ok: false,
      errors: { maxVcpus: 'enter a whole number' },
    });
  });

  it('hints the default from the size typed above', () => {
    expect(ceilingHint('512', 'MiB', 'memory')).toBe(
      'A running node grows live up to this. Empty: twice the memory (1024 MiB), capped by the host.',
    );
    expect(ceilingHint('', '', 'vCPUs')).toBe(
      'A running node grows live up to this. Empty: twice the vCPUs, capped by the host.',
    );
  });
});

describe('pendingText', () => {
  it('says what waits for the next boot, and nothing when nothing does', () => {
    expect(pendingText({ memoryKiB: 1024 * 1024, vcpus: 4 })).toBe('memory 1024 MiB, 4 vCPUs');
    expect(pendingText({ maxVcpus: 8 })).toBe('maximum 8 vCPUs');
    expect(pendingText(undefined)).toBeUndefined();
    expect(pendingText({})).toBeUndefined();
  });
});
