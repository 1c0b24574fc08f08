import { describe, expect, it } from 'vitest';
import { CorralError } from '../../../api/errors';
import { completeCheckpoints } from '../../../core/snapshots/checkpoint-service';
import { requireSnapshotName } from '../../../core/snapshots/snapshot-name';
import type { SnapshotFacts } from '../../../core/snapshots/snapshot-xml';

describe('snapshot names', () => {
  it('accepts names safe in libvirt, file names and shell words', () => {
    for (const ok of ['a', 'before-upgrade', 'v1.2_final', 'A'.repeat(64)]) {
      expect(requireSnapshotName(ok)).toBe(ok);
    }
    expect(requireSnapshotName('  padded ')).toBe('padded');
  });

  it('refuses every other name with bad-request and the reason', () => {
    for (const bad of ['', '-x', '.hidden', 'a b', 'a/b', "it's", 'x;rm', 'é', 'A'.repeat(65), 7]) {
      let caught: unknown;
      try {
        requireSnapshotName(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(bad)).toBeInstanceOf(CorralError);
      expect((caught as CorralError).code).toBe('bad-request');
    }
  });
});

const fact = (name: string, minute: number, checkpointOf?: string): SnapshotFacts => ({
  name,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
  state: 'paused',
  withMemory: true,
  ...(checkpointOf ? { checkpointOf } : {}),
  hotpluggedVcpus: 0,
});

describe('complete checkpoints', () => {
  const nodes = ['web-0', 'web-1'].map((name, i) => ({ name, hostId: `h${i}`, uuid: `u${i}` }));

  it('lists only names marked as the cluster’s on every node, oldest time first', () => {
    const list = completeCheckpoints('web', nodes, [
      [fact('cp2', 9, 'web'), fact('cp1', 2, 'web'), fact('partial', 3, 'web'), fact('own', 1)],
      [fact('cp1', 1, 'web'), fact('cp2', 8, 'web'), fact('own', 1), fact('other', 1, 'db')],
    ]);
    expect(list.map((c) => [c.name, c.createdAt])).toEqual([
      ['cp1', fact('', 1).createdAt],
      ['cp2', fact('', 8).createdAt],
    ]);
    expect(list[0]!.nodes).toEqual(nodes);
  });
});
