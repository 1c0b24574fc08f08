import { describe, expect, it } from 'vitest';
import type { HostFacts, Vm } from '../../../api/inventory-api';
import { balanceInputs } from '../../../core/migration/balance-inputs';

const facts = (hostId: string, extra: Partial<HostFacts> = {}): HostFacts => ({
  hostId,
  hostname: `name-${hostId}`,
  cpus: 2,
  memoryKiB: 1000_000,
  freeMemoryKiB: 500_000,
  cpuPercent: 99,
  libvirtVersion: '9.0.0',
  stale: false,
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});
const vm = (hostId: string, uuid: string, extra: Partial<Vm> = {}): Vm => ({
  hostId,
  uuid,
  name: `vm-${uuid.slice(-1)}`,
  state: 'running',
  stale: false,
  vcpus: 1,
  memoryKiB: 100_000,
  maxMemoryKiB: 100_000,
  disks: [],
  nics: [],
  ...extra,
});
const U1 = '00000000-0000-4000-8000-000000000001';
const U2 = '00000000-0000-4000-8000-000000000002';
const series = (t: number[], cpu: number[], mem: number[]) => ({ t, cpu, memoryKiB: mem });

describe('balanceInputs', () => {
  it("judges a host by its running guests' load over the window, weighed by vCPUs over host CPUs", () => {
    const got = balanceInputs(
      [facts('h1'), facts('h2')],
      [
        vm('h1', U1, { vcpus: 2, membership: { cluster: 'c', owner: 'u', index: 0 } }),
        vm('h2', U2, { state: 'shut-off' }),
      ],
      {
        host: () => series([0, 5_000, 10_000], [99, 99, 99], [0, 0, 0]),
        // Before the window the VM idled; inside it, it ran flat out on half its vCPUs.
        vm: (uuid) =>
          uuid === U1
            ? series([0, 5_000, 10_000], [0, 50, 50], [100_000, 100_000, 100_000])
            : series([], [], []),
      },
      6_000,
      11_000,
    );
    expect(got.hosts).toMatchObject([
      { hostId: 'h1', name: 'name-h1', cpuPercent: 50, memoryPercent: 10 },
      { hostId: 'h2', cpuPercent: 0, memoryPercent: 0 },
    ]);
    expect(got.vms).toEqual([
      expect.objectContaining({ uuid: U1, cpuPercentOfHost: 50, cluster: 'c', vcpus: 2 }),
    ]);
    expect(got.coveredMs).toBe(5_000);
  });

  it('leaves out an unreachable host, saying so', () => {
    const got = balanceInputs(
      [facts('h1', { stale: true })],
      [],
      { host: () => series([], [], []), vm: () => series([], [], []) },
      1000,
      1000,
    );
    expect(got.hosts).toEqual([]);
    expect(got.notes).toEqual(['name-h1 is unreachable: it is left out']);
  });
});
