import type { BalancePolicy, HostLoad } from '../../api/migration-api';

/** A host as the balancer judges it: capacity now, load averaged over the policy's window. */
export interface BalanceHost {
  hostId: string;
  name: string;
  cpus: number;
  memoryKiB: number;
  freeMemoryKiB: number;
  /** 0-100, averaged over the window. */
  cpuPercent: number;
  /** 0-100, averaged over the window. */
  memoryPercent: number;
}

/** A running VM the balancer may move. */
export interface BalanceVm {
  hostId: string;
  uuid: string;
  name: string;
  vcpus: number;
  memoryKiB: number;
  /** The VM's CPU use as a share of its host's CPU (0-100), averaged over the window. */
  cpuPercentOfHost: number;
  /** Its cluster, when Corral made it (keeps clusters spread). */
  cluster?: string;
}

export interface PlannedMove {
  vm: { hostId: string; uuid: string; name: string };
  fromHostId: string;
  toHostId: string;
  reason: string;
}

export interface PlannedBalance {
  /** In the order they must start: a later move may rely on room an earlier one made. */
  moves: PlannedMove[];
  before: { imbalance: number; hosts: HostLoad[] };
  after: { imbalance: number; hosts: HostLoad[] };
  notes: string[];
}

export type BalanceThresholds = BalancePolicy;
