import { describe, expect, it } from 'vitest';
import { planBalance } from '../../../core/placement/plan-balance';
import { GiB, host, policy, vm } from './balance-support';

describe('planBalance', () => {
  it('moves nothing and says why when no host is over its thresholds', () => {
    const plan = planBalance([host('h1', 60), host('h2', 10)], [vm('a', 'h1', 50)], policy());
    expect(plan.moves).toEqual([]);
    expect(plan.notes).toEqual([
      'no host is over its thresholds (CPU 85%, memory 90%) on average over the last 5 min',
    ]);
    expect(plan.after.imbalance).toBe(plan.before.imbalance);
  });

  it('sheds a VM from a host over its CPU threshold to a host under the low ones, with the reason', () => {
    const plan = planBalance(
      [host('corral-lab-h1', 91), host('corral-lab-h2', 22)],
      [
        vm('web-1', 'corral-lab-h1', 40),
        vm('web-2', 'corral-lab-h1', 18),
        vm('db', 'corral-lab-h1', 30),
      ],
      policy(),
    );
    expect(plan.moves).toHaveLength(1);
    // web-2 alone brings h1 under 85% and is the smallest VM that does.
    expect(plan.moves[0]).toMatchObject({
      vm: { name: 'web-2', hostId: 'id-corral-lab-h1' },
      fromHostId: 'id-corral-lab-h1',
      toHostId: 'id-corral-lab-h2',
      reason:
        'corral-lab-h1 CPU 91% over 85% for 5 min: move web-2 (18% of the host) to corral-lab-h2 (CPU 22%)',
    });
    expect(plan.after.hosts.map((h) => h.cpuPercent)).toEqual([73, 40]);
    expect(plan.after.imbalance).toBeLessThan(plan.before.imbalance);
  });

  it('moves several VMs when one is not enough, the largest first', () => {
    const plan = planBalance(
      [host('h1', 98), host('h2', 5), host('h3', 5)],
      [vm('a', 'h1', 10), vm('b', 'h1', 11), vm('c', 'h1', 12), vm('d', 'h1', 20)],
      policy({ cpuHighPercent: 70, cpuLowPercent: 40 }),
    );
    // None alone sheds 28 points: the largest goes, then the smallest that is enough.
    expect(plan.moves.map((m) => [m.vm.name, m.toHostId])).toEqual([
      ['d', 'id-h2'],
      ['a', 'id-h3'],
    ]);
    expect(plan.after.hosts.find((h) => h.name === 'h1')!.cpuPercent).toBe(68);
  });

  it('sheds memory from a host over its memory threshold', () => {
    const plan = planBalance(
      [host('h1', 10, 95, { freeMemoryKiB: 1 * GiB }), host('h2', 10, 30)],
      [vm('big', 'h1', 1, { memoryKiB: 4 * GiB }), vm('small', 'h1', 1, { memoryKiB: GiB / 2 })],
      policy(),
    );
    expect(plan.moves.map((m) => m.vm.name)).toEqual(['big']);
    expect(plan.moves[0]!.reason).toBe(
      'h1 memory 95% over 90% for 5 min: move big (13% of the host) to h2 (memory 30%)',
    );
  });

  it('never moves a VM onto a host without room for it, and says so', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 5, 20, { freeMemoryKiB: GiB / 2 })],
      [vm('a', 'h1', 30)],
      policy(),
    );
    expect(plan.moves).toEqual([]);
    expect(plan.notes[0]).toMatch(
      /^h1 is over its CPU threshold \(95%\) but none of its running VMs fits/,
    );
  });

  it('never moves a VM wider than the target host', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 5, 20, { cpus: 2 })],
      [vm('wide', 'h1', 30, { vcpus: 4 })],
      policy(),
    );
    expect(plan.moves).toEqual([]);
  });

  it('takes only hosts under both low thresholds as targets', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 60), host('h3', 10, 75)],
      [vm('a', 'h1', 30)],
      policy(),
    );
    expect(plan.moves).toEqual([]);
    expect(plan.notes).toEqual([
      'h1 is over its CPU threshold (95%) but no other host is under CPU 50% and memory 70%',
    ]);
  });

  it('does not overload the target to relieve the source', () => {
    const plan = planBalance(
      [host('h1', 99, 20, { cpus: 8 }), host('h2', 30, 20, { cpus: 2 })],
      // 20% of an 8-CPU host is 80% of a 2-CPU one.
      [vm('a', 'h1', 20)],
      policy(),
    );
    expect(plan.moves).toEqual([]);
  });

  it('keeps clusters spread: picks the host without a node of that cluster, though busier', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 10), host('h3', 30)],
      [vm('mpi-0', 'h1', 20, { cluster: 'mpi' }), vm('mpi-1', 'h2', 1, { cluster: 'mpi' })],
      policy(),
    );
    expect(plan.moves.map((m) => m.toHostId)).toEqual(['id-h3']);
  });

  it('without keepClustersSpread picks the least loaded host even if it has a node of the cluster', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 10), host('h3', 30)],
      [vm('mpi-0', 'h1', 20, { cluster: 'mpi' }), vm('mpi-1', 'h2', 1, { cluster: 'mpi' })],
      policy({ keepClustersSpread: false }),
    );
    expect(plan.moves.map((m) => m.toHostId)).toEqual(['id-h2']);
  });

  it('puts two nodes of a cluster together when no other host could take the node', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 10)],
      [vm('mpi-0', 'h1', 20, { cluster: 'mpi' }), vm('mpi-1', 'h2', 1, { cluster: 'mpi' })],
      policy(),
    );
    expect(plan.moves.map((m) => m.toHostId)).toEqual(['id-h2']);
  });

  it('prefers, among equal VMs, a node whose cluster has another node on the same host', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 10)],
      [
        vm('alone', 'h1', 20, { cluster: 'x' }),
        vm('pair-0', 'h1', 20, { cluster: 'pair' }),
        vm('pair-1', 'h1', 20, { cluster: 'pair' }),
      ],
      policy(),
    );
    expect(plan.moves[0]!.vm.name).toMatch(/^pair-/);
  });

  it('never moves a VM whose move would make the load less even', () => {
    // h2 is under the low threshold but the VM carries more than the gap: moving it swaps the roles.
    const plan = planBalance(
      [host('h1', 90, 20, { cpus: 4 }), host('h2', 45, 20, { cpus: 8 })],
      [vm('a', 'h1', 80)],
      policy({ cpuHighPercent: 85, cpuLowPercent: 50 }),
    );
    expect(plan.moves).toEqual([]);
  });

  it('refuses a low threshold at or above the high one', () => {
    expect(() => planBalance([], [], policy({ cpuLowPercent: 90, cpuHighPercent: 80 }))).toThrow(
      'the low CPU threshold (90%) must be below the high one (80%)',
    );
    expect(() =>
      planBalance([], [], policy({ memoryLowPercent: 60, memoryHighPercent: 60 })),
    ).toThrow(/low memory threshold/);
  });

  it('words the window in seconds when short', () => {
    const plan = planBalance(
      [host('h1', 95), host('h2', 5)],
      [vm('a', 'h1', 20)],
      policy({ windowSeconds: 15 }),
    );
    expect(plan.moves[0]!.reason).toContain('for 15 s:');
  });
});
