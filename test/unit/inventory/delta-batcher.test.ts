import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InventoryDelta } from '../../../api/inventory-api';
import { InventoryDelta as DeltaSchema } from '../../../api/inventory-api';
import { DeltaBatcher } from '../../../core/inventory/delta-batcher';
import { host, vm } from './vm-fixture';

afterEach(() => {
  vi.useRealTimers();
});

describe('DeltaBatcher', () => {
  it('gathers a burst into one valid delta after the window', () => {
    vi.useFakeTimers();
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d), 50);
    for (let i = 0; i < 1000; i++) b.upsert(vm('h1', i, { state: 'running' }));
    b.host(host('h1'));
    expect(out).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(out).toHaveLength(1);
    expect(out[0]!.upserts).toHaveLength(1000);
    expect(DeltaSchema.safeParse(out[0]).success).toBe(true);
    vi.advanceTimersByTime(500);
    expect(out).toHaveLength(1); // nothing pending, nothing sent
  });

  it('keeps the last word about a VM', () => {
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d));
    b.upsert(vm('h1', 1, { state: 'running' }));
    b.upsert(vm('h1', 1, { state: 'shut-off' }));
    b.upsert(vm('h1', 2));
    b.remove(vm('h1', 2));
    b.remove(vm('h1', 3));
    b.upsert(vm('h1', 3));
    b.flush();
    expect(out[0]!.upserts.map((v) => [v.name, v.state])).toEqual([
      ['vm-1', 'shut-off'],
      ['vm-3', 'shut-off'],
    ]);
    expect(out[0]!.removals).toEqual([{ hostId: 'h1', uuid: vm('h1', 2).uuid }]);
    b.dispose();
  });

  it('a reset replaces what was pending for that host only', () => {
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d));
    b.upsert(vm('h1', 1));
    b.remove(vm('h1', 9));
    b.upsert(vm('h2', 1));
    b.reset('h1', [vm('h1', 5)]);
    b.flush();
    expect(out[0]!.resetHosts).toEqual(['h1']);
    expect(out[0]!.removals).toEqual([]);
    expect(out[0]!.upserts.map((v) => `${v.hostId}/${v.name}`).sort()).toEqual([
      'h1/vm-5',
      'h2/vm-1',
    ]);
    b.removeHost('h2');
    b.flush();
    expect(out[1]).toEqual({
      hosts: [],
      upserts: [],
      removals: [],
      resetHosts: [],
      removedHosts: ['h2'],
    });
  });
});
