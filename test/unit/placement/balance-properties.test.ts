import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BalancePolicy } from '../../../api/migration-api';
import { balanceWaves } from '../../../core/placement/balance-waves';
import type { BalanceHost, BalanceVm } from '../../../core/placement/balance-types';
import { fitsGuest } from '../../../core/placement/host-fit';
import { planBalance } from '../../../core/placement/plan-balance';
import { GiB } from './balance-support';

const hostsAndVms = fc
  .array(
    fc.record({
      cpus: fc.integer({ min: 1, max: 16 }),
      memGiB: fc.integer({ min: 2, max: 64 }),
      freeShare: fc.double({ min: 0, max: 1, noNaN: true }),
      cpu: fc.double({ min: 0, max: 100, noNaN: true }),
      memory: fc.double({ min: 0, max: 100, noNaN: true }),
    }),
    { minLength: 2, maxLength: 5 },
  )
  .chain((specs) => {
    const hosts: BalanceHost[] = specs.map((s, i) => ({
      hostId: `h${i}`,
      name: `h${i}`,
      cpus: s.cpus,
      memoryKiB: s.memGiB * GiB,
      freeMemoryKiB: Math.floor(s.memGiB * GiB * s.freeShare),
      cpuPercent: s.cpu,
      memoryPercent: s.memory,
    }));
    const vm = fc.record({
      host: fc.integer({ min: 0, max: hosts.length - 1 }),
      vcpus: fc.integer({ min: 1, max: 8 }),
      memMiB: fc.integer({ min: 64, max: 8192 }),
      cpu: fc.double({ min: 0, max: 60, noNaN: true }),
      cluster: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    });
    return fc.tuple(
      fc.constant(hosts),
      fc.array(vm, { maxLength: 12 }).map((list) =>
        list.map((v, i): BalanceVm => ({
          hostId: hosts[v.host]!.hostId,
          uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          name: `vm${i}`,
          vcpus: v.vcpus,
          memoryKiB: v.memMiB * 1024,
          cpuPercentOfHost: v.cpu,
          cluster: v.cluster,
        })),
      ),
      fc.record({
        cpuHighPercent: fc.integer({ min: 30, max: 95 }),
        memoryHighPercent: fc.integer({ min: 30, max: 95 }),
        keepClustersSpread: fc.boolean(),
      }),
    );
  });

describe('planBalance properties', () => {
  it('never moves a VM onto a host it does not fit, nor makes the load less even', () => {
    fc.assert(
      fc.property(hostsAndVms, ([hosts, vms, p]) => {
        const policy = BalancePolicy.parse({
          ...p,
          cpuLowPercent: p.cpuHighPercent - 20,
          memoryLowPercent: p.memoryHighPercent - 20,
        });
        const plan = planBalance(hosts, vms, policy);
        expect(plan.after.imbalance).toBeLessThanOrEqual(plan.before.imbalance);
        // Replay the moves on the hosts' free memory: each must fit where it lands.
        const free = new Map(hosts.map((h) => [h.hostId, h.freeMemoryKiB]));
        const seen = new Set<string>();
        for (const move of plan.moves) {
          const v = vms.find((x) => x.uuid === move.vm.uuid)!;
          const target = hosts.find((h) => h.hostId === move.toHostId)!;
          expect(move.fromHostId).not.toBe(move.toHostId);
          expect(seen.has(v.uuid)).toBe(false);
          seen.add(v.uuid);
          expect(fitsGuest(target, free.get(target.hostId)!, v)).toBe(true);
          free.set(target.hostId, free.get(target.hostId)! - v.memoryKiB - 64 * 1024);
          free.set(move.fromHostId, free.get(move.fromHostId)! + v.memoryKiB + 64 * 1024);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('schedules at most one move per host in each wave, every move once', () => {
    fc.assert(
      fc.property(hostsAndVms, ([hosts, vms, p]) => {
        const policy = BalancePolicy.parse({
          ...p,
          cpuLowPercent: p.cpuHighPercent - 20,
          memoryLowPercent: p.memoryHighPercent - 20,
        });
        const plan = planBalance(hosts, vms, policy);
        const waves = balanceWaves(plan.moves);
        expect(waves.flat().sort((a, b) => a - b)).toEqual(plan.moves.map((_, i) => i));
        for (const wave of waves) {
          const hostsInWave = wave.flatMap((i) => [
            plan.moves[i]!.fromHostId,
            plan.moves[i]!.toHostId,
          ]);
          expect(new Set(hostsInWave).size).toBe(hostsInWave.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
