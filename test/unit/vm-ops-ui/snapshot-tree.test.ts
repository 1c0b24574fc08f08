import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../api/snapshots-api';
import { snapshotRows, visibleRows } from '../../../renderer/views/vm-ops/snapshot-tree';
import { descriptionProblem, nameProblem } from '../../../renderer/views/vm-ops/snapshot-names';

const snap = (name: string, createdAt: string, parent?: string): Snapshot => ({
  name,
  createdAt,
  parent,
  state: 'running',
  withMemory: true,
  current: false,
});

describe('snapshotRows', () => {
  const list = [
    snap('base', '2026-01-01T00:00:00Z'),
    snap('b2', '2026-01-01T00:03:00Z', 'base'),
    snap('b1', '2026-01-01T00:01:00Z', 'base'),
    snap('b1a', '2026-01-01T00:02:00Z', 'b1'),
    snap('other', '2026-01-01T00:04:00Z'),
  ];

  it('orders depth first, siblings oldest first, with levels and positions', () => {
    const rows = snapshotRows(list);
    expect(rows.map((r) => [r.snapshot.name, r.level, r.posInSet, r.setSize, r.children])).toEqual([
      ['base', 1, 1, 2, 2],
      ['b1', 2, 1, 2, 1],
      ['b1a', 3, 1, 1, 0],
      ['b2', 2, 2, 2, 0],
      ['other', 1, 2, 2, 0],
    ]);
  });

  it('lists every descendant of a snapshot (what a delete with descendants removes)', () => {
    const rows = snapshotRows(list);
    expect(rows.find((r) => r.snapshot.name === 'base')!.descendants).toEqual(['b1', 'b1a', 'b2']);
    expect(rows.find((r) => r.snapshot.name === 'b1')!.descendants).toEqual(['b1a']);
  });

  it('shows a snapshot whose parent is gone as a root, and survives a cycle', () => {
    const orphan = snapshotRows([snap('x', '2026-01-01T00:00:00Z', 'gone')]);
    expect(orphan.map((r) => [r.snapshot.name, r.level])).toEqual([['x', 1]]);
    const cycle = snapshotRows([
      snap('p', '2026-01-01T00:00:00Z', 'q'),
      snap('q', '2026-01-01T00:01:00Z', 'p'),
    ]);
    expect(cycle.map((r) => r.snapshot.name).sort()).toEqual(['p', 'q']);
  });

  it('hides the rows under a collapsed snapshot', () => {
    const shown = visibleRows(snapshotRows(list), new Set(['b1']));
    expect(shown.map((r) => r.snapshot.name)).toEqual(['base', 'b1', 'b2', 'other']);
  });
});

describe('nameProblem and descriptionProblem', () => {
  it('accepts names the contract accepts and explains the rest', () => {
    expect(nameProblem('before-upgrade_1.0', [])).toBeUndefined();
    expect(nameProblem('', [])).toBe('enter a name');
    expect(nameProblem('-x', [])).toMatch(/start with a letter or digit/);
    expect(nameProblem('a b', [])).toMatch(/letters, digits, dot, dash and underscore only/);
    expect(nameProblem('x'.repeat(65), [])).toBe('at most 64 characters');
    expect(nameProblem('s1', ['s1'])).toBe('s1 exists already; choose another name');
  });

  it('refuses a description with a line break', () => {
    expect(descriptionProblem('fine text')).toBeUndefined();
    expect(descriptionProblem('two\nlines')).toBe('one line, without control characters');
  });
});
