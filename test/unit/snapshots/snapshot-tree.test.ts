import { describe, expect, it } from 'vitest';
import { snapshotTree, withDescendants } from '../../../core/snapshots/snapshot-tree';
import type { SnapshotFacts } from '../../../core/snapshots/snapshot-xml';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 29, 12, minute)).toISOString();
const snap = (name: string, minute: number, parent?: string): SnapshotFacts => ({
  name,
  createdAt: at(minute),
  state: 'running',
  withMemory: true,
  ...(parent ? { parent } : {}),
  vcpus: 1,
  maxVcpus: 2,
  hotpluggedVcpus: 0,
});

// root ─┬─ a ── a1
//       └─ b          (b is older than a's child, younger than a)
const FACTS = [snap('a1', 5, 'a'), snap('b', 3, 'root'), snap('root', 1), snap('a', 2, 'root')];

describe('snapshot tree', () => {
  it('lists parents before children, each level oldest first, the current one marked', () => {
    const tree = snapshotTree(FACTS, 'a1');
    expect(tree.map((s) => [s.name, s.parent, s.current])).toEqual([
      ['root', undefined, false],
      ['a', 'root', false],
      ['a1', 'a', true],
      ['b', 'root', false],
    ]);
    expect(tree[0]).toMatchObject({ createdAt: at(1), state: 'running', vcpus: 1 });
  });

  it('treats a snapshot whose parent is gone as a root, and marks none without a current', () => {
    const tree = snapshotTree([snap('orphan', 4, 'deleted'), snap('x', 1)]);
    expect(tree.map((s) => [s.name, s.parent])).toEqual([
      ['x', undefined],
      ['orphan', undefined],
    ]);
    expect(tree.some((s) => s.current)).toBe(false);
  });

  it('names the checkpoint a snapshot belongs to', () => {
    const tree = snapshotTree([{ ...snap('cp1', 1), checkpointOf: 'web' }]);
    expect(tree[0]!.checkpoint).toBe('cp1');
  });

  it('finds a snapshot with every descendant, deepest first', () => {
    const all = withDescendants(FACTS, 'root');
    expect([...all].sort()).toEqual(['a', 'a1', 'b', 'root']);
    // Each one before its parent.
    for (const f of FACTS)
      if (f.parent) expect(all.indexOf(f.name)).toBeLessThan(all.indexOf(f.parent));
    expect(withDescendants(FACTS, 'a')).toEqual(['a1', 'a']);
    expect(withDescendants(FACTS, 'b')).toEqual(['b']);
  });
});
