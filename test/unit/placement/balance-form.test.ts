import { describe, expect, it } from 'vitest';
import { BalancePolicy, type BalancePlan } from '../../../api/migration-api';
import {
  formOf,
  hostName,
  hostRows,
  imbalanceText,
  parseForm,
} from '../../../renderer/views/balance/balance-form';

const defaults = BalancePolicy.parse({});

describe('balance policy form', () => {
  it('round-trips a policy through the form', () => {
    expect(parseForm(formOf(defaults))).toEqual({ policy: defaults });
  });

  it('names every field that is wrong, and why', () => {
    const got = parseForm({
      ...formOf(defaults),
      cpuHighPercent: 'abc',
      memoryLowPercent: '95',
      windowSeconds: '2.5',
    });
    expect(got.errors).toEqual({
      cpuHighPercent: 'Enter a number',
      memoryLowPercent: 'Must be below memory high',
      windowSeconds: 'Enter whole seconds',
    });
  });

  it('refuses a window out of range and a low CPU at the high one', () => {
    const got = parseForm({ ...formOf(defaults), windowSeconds: '4', cpuLowPercent: '85' });
    expect(got.errors).toEqual({
      windowSeconds: 'Enter 5 to 3600',
      cpuLowPercent: 'Must be below CPU high',
    });
  });
});

const plan: Pick<BalancePlan, 'before' | 'after' | 'moves'> = {
  moves: [
    {
      vm: { hostId: 'a', uuid: '00000000-0000-4000-8000-000000000001', name: 'web-2' },
      fromHostId: 'a',
      toHostId: 'b',
      reason: 'r',
    },
  ],
  before: {
    imbalance: 40,
    hosts: [
      { hostId: 'a', name: 'h1', cpuPercent: 90, memoryPercent: 30 },
      { hostId: 'b', name: 'h2', cpuPercent: 10, memoryPercent: 30.2 },
    ],
  },
  after: {
    imbalance: 10,
    hosts: [
      { hostId: 'a', name: 'h1', cpuPercent: 60, memoryPercent: 28 },
      { hostId: 'b', name: 'h2', cpuPercent: 40, memoryPercent: 30.4 },
    ],
  },
};

describe('plan text', () => {
  it('says how much more even the plan makes the hosts', () => {
    expect(imbalanceText(plan)).toBe('Imbalance 40.0 → 10.0 (75% more even)');
    expect(imbalanceText({ ...plan, moves: [] })).toBe('Imbalance 40.0: nothing to move');
  });

  it('shows each host before and after, only where it changes', () => {
    expect(hostRows(plan)).toEqual([
      { hostId: 'a', name: 'h1', cpu: '90% → 60%', memory: '30% → 28%' },
      { hostId: 'b', name: 'h2', cpu: '10% → 40%', memory: '30%' },
    ]);
    expect(hostName(plan, 'b')).toBe('h2');
    expect(hostName(plan, 'zz')).toBe('zz');
  });
});
