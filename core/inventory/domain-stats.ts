import type { VmState } from '../../api/inventory-api';
import { DomainLifecycle } from '../../native/libvirt';

/** virDomainState, as the inventory's words. */
const STATES: readonly VmState[] = [
  'no-state',
  'running',
  'blocked',
  'paused',
  'shutting-down',
  'shut-off',
  'crashed',
  'suspended', // VIR_DOMAIN_PMSUSPENDED
];

/** A virDomainState number as a {@link VmState}; unknown numbers read as 'no-state'. */
export function domainStateName(state: number): VmState {
  return STATES[state] ?? 'no-state';
}

/**
 * The state a lifecycle event implies, without asking the host. DEFINED and UNDEFINED say
 * nothing about the run state (undefined here): the caller re-reads the domain.
 */
export function lifecycleState(event: number): VmState | undefined {
  switch (event) {
    case DomainLifecycle.STARTED:
    case DomainLifecycle.RESUMED:
      return 'running';
    case DomainLifecycle.SUSPENDED:
      return 'paused';
    case DomainLifecycle.STOPPED:
      return 'shut-off';
    case DomainLifecycle.SHUTDOWN:
      return 'shutting-down';
    case DomainLifecycle.PMSUSPENDED:
      return 'suspended';
    case DomainLifecycle.CRASHED:
      return 'crashed';
    default:
      return undefined;
  }
}

/** VIR_CONNECT_GET_ALL_DOMAINS_STATS groups the inventory asks for. */
export const STATS_GROUPS = {
  STATE: 1,
  CPU_TOTAL: 2,
  BALLOON: 4,
  VCPU: 8,
} as const;

/** One bulk-stats param as the client decodes it (a typed-param union). */
export interface StatsParam {
  field: string;
  value: { type: number; value: unknown };
}

/** The figures the inventory reads from one domain's bulk-stats record. */
export interface DomainSample {
  state?: VmState;
  /** Total CPU time used, in ns. */
  cpuTimeNs?: bigint;
  /** Balloon's current size, KiB. */
  memoryKiB?: number;
  maxMemoryKiB?: number;
  vcpus?: number;
}

/** Picks the fields the inventory uses out of a bulk-stats record's params. */
export function readDomainSample(params: readonly StatsParam[]): DomainSample {
  const out: DomainSample = {};
  for (const { field, value } of params) {
    switch (field) {
      case 'state.state':
        out.state = domainStateName(Number(value.value));
        break;
      case 'cpu.time':
        out.cpuTimeNs = BigInt(value.value as bigint | number);
        break;
      case 'balloon.current':
        out.memoryKiB = Number(value.value);
        break;
      case 'balloon.maximum':
        out.maxMemoryKiB = Number(value.value);
        break;
      case 'vcpu.current':
        out.vcpus = Number(value.value);
        break;
    }
  }
  return out;
}

/**
 * CPU use between two samples, in percent of one vCPU (so up to 100 x vCPUs): CPU time used over
 * wall time passed. Undefined when there is no earlier sample or time did not advance.
 */
export function cpuPercent(
  prev: { cpuTimeNs: bigint; atNs: bigint } | undefined,
  cur: { cpuTimeNs: bigint; atNs: bigint },
): number | undefined {
  if (!prev) return undefined;
  const wall = cur.atNs - prev.atNs;
  const used = cur.cpuTimeNs - prev.cpuTimeNs;
  if (wall <= 0n || used < 0n) return undefined; // a restart resets cpu.time
  return round1((Number(used) / Number(wall)) * 100);
}

/** Cumulative node CPU counters (ns), as nodeGetCpuStats reports them. */
export type NodeCpuTimes = Record<string, bigint>;

/** Host CPU use between two nodeGetCpuStats readings, 0-100: the share of time not idle. */
export function hostCpuPercent(prev: NodeCpuTimes | undefined, cur: NodeCpuTimes): number {
  if (!prev) return 0;
  let total = 0n;
  let idle = 0n;
  for (const [field, value] of Object.entries(cur)) {
    // `utilization` (some drivers) is a percentage, not a counter.
    if (field === 'utilization') continue;
    const d = value - (prev[field] ?? value);
    total += d;
    if (field === 'idle' || field === 'iowait') idle += d;
  }
  if (total <= 0n) return 0;
  return clamp(round1(100 - (Number(idle) / Number(total)) * 100), 0, 100);
}

/**
 * Memory the host can still give, from nodeGetMemoryStats (KiB): free plus page cache and
 * buffers, which the kernel hands back on demand.
 */
export function availableMemoryKiB(stats: Record<string, bigint>): number | undefined {
  if (stats.free === undefined) return undefined;
  return Number(stats.free + (stats.buffers ?? 0n) + (stats.cached ?? 0n));
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
