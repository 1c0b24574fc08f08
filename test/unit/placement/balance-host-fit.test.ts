import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitsGuest } from '../../../core/placement/host-fit';
import { planPlacement } from '../../../core/placement/plan-placement';
import { planBalance } from '../../../core/placement/plan-balance';
import { GiB, host, policy, vm } from './balance-support';

describe('one fit rule for placement and balancing', () => {
  it('places a new node on a host exactly when the balancer may move such a VM there', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 4 * GiB }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 64, max: 4096 }),
        (cpus, freeKiB, vcpus, memMiB) => {
          const shape = { vcpus, memoryKiB: memMiB * 1024 };
          const target = {
            hostId: 't',
            name: 't',
            online: true,
            cpus,
            memoryKiB: 64 * GiB,
            freeMemoryKiB: freeKiB,
            cpuPercent: 0,
          };
          let placed = true;
          try {
            planPlacement([target], shape, 1, { kind: 'first-fit' });
          } catch {
            placed = false;
          }
          const balanced = planBalance(
            [
              host('src', 95, 20, { cpus: 8, memoryKiB: 64 * GiB }),
              host('t', 0, 0, { hostId: 't', cpus, memoryKiB: 64 * GiB, freeMemoryKiB: freeKiB }),
            ],
            [vm('a', 'src', 20, { vcpus, memoryKiB: shape.memoryKiB })],
            policy(),
          );
          expect(placed).toBe(fitsGuest(target, freeKiB, shape));
          // The balancer moves it only where placement would put it (not always: spread rules).
          if (balanced.moves.length > 0) expect(placed).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
