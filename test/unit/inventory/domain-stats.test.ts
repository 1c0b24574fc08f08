import { describe, expect, it } from 'vitest';
import {
  availableMemoryKiB,
  cpuPercent,
  domainStateName,
  hostCpuPercent,
  lifecycleState,
  readDomainSample,
} from '../../../core/inventory/domain-stats';
import { DomainLifecycle } from '../../../native/libvirt';

describe('domain stats math', () => {
  it('names virDomainState values', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 99].map(domainStateName)).toEqual([
      'no-state',
      'running',
      'blocked',
      'paused',
      'shutting-down',
      'shut-off',
      'crashed',
      'suspended',
      'no-state',
    ]);
  });

  it('maps lifecycle events to states; (un)define says nothing about the run state', () => {
    expect(lifecycleState(DomainLifecycle.STARTED)).toBe('running');
    expect(lifecycleState(DomainLifecycle.RESUMED)).toBe('running');
    expect(lifecycleState(DomainLifecycle.STOPPED)).toBe('shut-off');
    expect(lifecycleState(DomainLifecycle.SUSPENDED)).toBe('paused');
    expect(lifecycleState(DomainLifecycle.CRASHED)).toBe('crashed');
    expect(lifecycleState(DomainLifecycle.DEFINED)).toBeUndefined();
    expect(lifecycleState(DomainLifecycle.UNDEFINED)).toBeUndefined();
  });

  it('reads a bulk-stats record', () => {
    const s = readDomainSample([
      { field: 'state.state', value: { type: 1, value: 1 } },
      { field: 'state.reason', value: { type: 1, value: 1 } },
      { field: 'cpu.time', value: { type: 4, value: 123_000_000n } },
      { field: 'balloon.current', value: { type: 4, value: 262144n } },
      { field: 'balloon.maximum', value: { type: 4, value: 524288n } },
      { field: 'vcpu.current', value: { type: 2, value: 2 } },
      { field: 'vcpu.0.time', value: { type: 4, value: 1n } },
    ]);
    expect(s).toEqual({
      state: 'running',
      cpuTimeNs: 123_000_000n,
      memoryKiB: 262144,
      maxMemoryKiB: 524288,
      vcpus: 2,
    });
  });

  it('computes CPU percent from cpu.time deltas over wall time', () => {
    const a = { cpuTimeNs: 1_000_000_000n, atNs: 10_000_000_000n };
    expect(cpuPercent(undefined, a)).toBeUndefined();
    // 1.5 s of CPU in 3 s of wall time: 50 % of one vCPU.
    expect(cpuPercent(a, { cpuTimeNs: 2_500_000_000n, atNs: 13_000_000_000n })).toBe(50);
    // Two busy vCPUs: 200 %.
    expect(cpuPercent(a, { cpuTimeNs: 7_000_000_000n, atNs: 13_000_000_000n })).toBe(200);
    // A restart reset the counter; no time passed: nothing to say.
    expect(cpuPercent(a, { cpuTimeNs: 0n, atNs: 13_000_000_000n })).toBeUndefined();
    expect(cpuPercent(a, { cpuTimeNs: 2n, atNs: 10_000_000_000n })).toBeUndefined();
  });

  it('computes host CPU use from node counter deltas, idle and iowait as not busy', () => {
    const prev = { kernel: 100n, user: 200n, idle: 700n, iowait: 0n };
    expect(hostCpuPercent(undefined, prev)).toBe(0);
    const cur = { kernel: 150n, user: 300n, idle: 950n, iowait: 50n };
    // busy 150 of 450 total.
    expect(hostCpuPercent(prev, cur)).toBeCloseTo(33.3, 1);
    expect(hostCpuPercent(prev, prev)).toBe(0);
  });

  it('counts page cache and buffers as available memory', () => {
    expect(availableMemoryKiB({ total: 100n, free: 10n, buffers: 5n, cached: 20n })).toBe(35);
    expect(availableMemoryKiB({ total: 100n })).toBeUndefined();
  });
});
