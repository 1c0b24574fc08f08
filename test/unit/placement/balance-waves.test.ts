import { describe, expect, it } from 'vitest';
import { balanceWaves } from '../../../core/placement/balance-waves';

const m = (fromHostId: string, toHostId: string) => ({ fromHostId, toHostId });

describe('balanceWaves', () => {
  it('runs moves between distinct host pairs together', () => {
    expect(balanceWaves([m('a', 'b'), m('c', 'd')])).toEqual([[0, 1]]);
  });

  it('puts a second move from the same host in a later wave', () => {
    expect(balanceWaves([m('a', 'b'), m('a', 'c'), m('d', 'e')])).toEqual([[0, 2], [1]]);
  });

  it('never starts a move before an earlier one that shares a host', () => {
    // The second move relies on room the first makes on b.
    expect(balanceWaves([m('b', 'c'), m('a', 'b')])).toEqual([[0], [1]]);
  });

  it('has no waves for no moves', () => {
    expect(balanceWaves([])).toEqual([]);
  });
});
