import { describe, expect, it } from 'vitest';
import { planPlacement } from '../../../core/placement/plan-placement';
import {
  HOST_RESERVE_KIB,
  PER_GUEST_OVERHEAD_KIB,
  type HostCapacity,
  type NodeShape,
  type PlacementAlgorithm,
} from '../../../core/placement/placement-types';

const GiB = 1024 * 1024;
const host = (id: string, freeGiB: number, extra: Partial<HostCapacity> = {}): HostCapacity => ({
  hostId: id,
  name: id,
  online: true,
  cpus: 8,
  memoryKiB: 16 * GiB,
  freeMemoryKiB: freeGiB * GiB,
  cpuPercent: 10,
  ...extra,
});
const small: NodeShape = { vcpus: 1, memoryKiB: GiB };
const cost = small.memoryKiB + PER_GUEST_OVERHEAD_KIB;

describe('round robin', () => {
  it('alternates hosts', () => {
    const plan = planPlacement([host('a', 8), host('b', 8)], small, 4, { kind: 'round-robin' });
    expect(plan.hostIds).toEqual(['a', 'b', 'a', 'b']);
    expect(plan.hosts.map((h) => h.nodes)).toEqual([2, 2]);
  });

  it('skips a full host and keeps going on the others', () => {
    const plan = planPlacement([host('a', 8), host('b', 1.2), host('c', 8)], small, 4, {
      kind: 'round-robin',
    });
    expect(plan.hostIds).toEqual(['a', 'c', 'a', 'c']);
  });

  it('skips offline hosts', () => {
    const plan = planPlacement([host('a', 8, { online: false }), host('b', 8)], small, 2, {
      kind: 'round-robin',
    });
    expect(plan.hostIds).toEqual(['b', 'b']);
  });
});

describe('first fit', () => {
  it('fills hosts in order', () => {
    // 'a' has room for exactly 3 nodes above its reserve.
    const freeA = (3 * cost + HOST_RESERVE_KIB) / GiB;
    const plan = planPlacement([host('a', freeA), host('b', 8)], small, 5, { kind: 'first-fit' });
    expect(plan.hostIds).toEqual(['a', 'a', 'a', 'b', 'b']);
  });

  it('refuses a node wider than any host', () => {
    expect(() =>
      planPlacement([host('a', 8, { cpus: 2 })], { vcpus: 4, memoryKiB: GiB }, 1, {
        kind: 'first-fit',
      }),
    ).toThrow(/only 0 of 1 nodes fit/);
  });
});

describe('threshold', () => {
  const threshold: PlacementAlgorithm = {
    kind: 'threshold',
    maxCpuPercent: 50,
    maxMemoryPercent: 60,
  };

  it('skips hosts above the CPU or memory limit', () => {
    const plan = planPlacement(
      [host('busy', 8, { cpuPercent: 90 }), host('full', 2), host('ok', 12)],
      small,
      2,
      threshold,
    );
    expect(plan.hostIds).toEqual(['ok', 'ok']);
  });

  it('refuses when every host is over its limits, and says why', () => {
    expect(() => planPlacement([host('busy', 8, { cpuPercent: 90 })], small, 1, threshold)).toThrow(
      /above the limits/,
    );
  });
});

it('rejects a node count below one', () => {
  expect(() => planPlacement([host('a', 8)], small, 0, { kind: 'round-robin' })).toThrow(
    /at least 1/,
  );
});

/** A small deterministic generator, so property failures reproduce from the seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('properties over random clusters', () => {
  const algorithms: PlacementAlgorithm[] = [
    { kind: 'round-robin' },
    { kind: 'first-fit' },
    { kind: 'threshold', maxCpuPercent: 70, maxMemoryPercent: 75 },
  ];

  for (const algorithm of algorithms) {
    it(`${algorithm.kind}: every plan respects capacity and limits, or is refused whole`, () => {
      for (let seed = 1; seed <= 500; seed++) {
        const next = rng(seed);
        const hosts = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, i) =>
          host(`h${i}`, next() * 16, {
            cpus: 1 + Math.floor(next() * 8),
            cpuPercent: next() * 100,
            online: next() > 0.1,
          }),
        );
        const shape = { vcpus: 1 + Math.floor(next() * 4), memoryKiB: (0.25 + next() * 2) * GiB };
        const count = 1 + Math.floor(next() * 10);
        let plan;
        try {
          plan = planPlacement(hosts, shape, count, algorithm);
        } catch (err) {
          expect((err as Error).message, `seed ${seed}`).toMatch(/fit|online|limits|room/);
          continue;
        }
        expect(plan.hostIds, `seed ${seed}`).toHaveLength(count);
        for (const projection of plan.hosts) {
          const h = hosts.find((x) => x.hostId === projection.hostId)!;
          const placed = plan.hostIds.filter((id) => id === h.hostId).length;
          expect(projection.nodes).toBe(placed);
          if (placed === 0) continue;
          expect(h.online).toBe(true);
          expect(shape.vcpus).toBeLessThanOrEqual(h.cpus);
          expect(projection.freeMemoryKiBAfter).toBeGreaterThanOrEqual(HOST_RESERVE_KIB);
          expect(projection.freeMemoryKiBAfter).toBeCloseTo(
            h.freeMemoryKiB - placed * (shape.memoryKiB + PER_GUEST_OVERHEAD_KIB),
          );
          if (algorithm.kind === 'threshold') {
            expect(h.cpuPercent).toBeLessThanOrEqual(algorithm.maxCpuPercent);
            expect(projection.memoryPercentAfter).toBeLessThanOrEqual(algorithm.maxMemoryPercent);
          }
        }
        if (algorithm.kind === 'round-robin') {
          // No host gets a second node while another eligible host could still have taken one.
          const counts = plan.hosts.filter((p) => p.nodes > 0).map((p) => p.nodes);
          if (counts.length > 1 && Math.max(...counts) - Math.min(...counts) > 1) {
            const minHost = plan.hosts.find((p) => p.nodes === Math.min(...counts))!;
            expect(
              minHost.freeMemoryKiBAfter - shape.memoryKiB - PER_GUEST_OVERHEAD_KIB,
            ).toBeLessThan(HOST_RESERVE_KIB);
          }
        }
      }
    });
  }
});
