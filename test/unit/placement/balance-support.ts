import { BalancePolicy } from '../../../api/migration-api';
import type { BalanceHost, BalanceVm } from '../../../core/placement/balance-types';

export const GiB = 1024 * 1024;

export const policy = (p: Partial<BalancePolicy> = {}): BalancePolicy => BalancePolicy.parse(p);

export const host = (
  name: string,
  cpu: number,
  memory = 20,
  extra: Partial<BalanceHost> = {},
): BalanceHost => ({
  hostId: `id-${name}`,
  name,
  cpus: 8,
  memoryKiB: 32 * GiB,
  freeMemoryKiB: 24 * GiB,
  cpuPercent: cpu,
  memoryPercent: memory,
  ...extra,
});

let n = 0;
export const vm = (
  name: string,
  on: string,
  cpuOfHost: number,
  extra: Partial<BalanceVm> = {},
): BalanceVm => ({
  hostId: `id-${on}`,
  uuid: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  name,
  vcpus: 1,
  memoryKiB: GiB,
  cpuPercentOfHost: cpuOfHost,
  ...extra,
});
