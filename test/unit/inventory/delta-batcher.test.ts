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

describe('DeltaBatcher moves', () => {
  it('sends a move as one delta with the old removal, the new upsert and the move', () => {
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d), 50);
    b.move(vm('h1', 1), vm('h2', 1, { state: 'running' }));
    b.flush();
    expect(out).toHaveLength(1);
    expect(DeltaSchema.parse(out[0])).toEqual(out[0]);
    expect(out[0]!.removals).toEqual([{ hostId: 'h1', uuid: vm('h1', 1).uuid }]);
    expect(out[0]!.upserts.map((v) => v.hostId)).toEqual(['h2']);
    expect(out[0]!.moves).toEqual([{ uuid: vm('h1', 1).uuid, fromHostId: 'h1', toHostId: 'h2' }]);
  });

  it('leaves the moves field out when nothing moved (what older clients always saw)', () => {
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d), 50);
    b.upsert(vm('h1', 1));
    b.flush();
    expect('moves' in out[0]!).toBe(false);
  });

  it('folds two moves in one window into one from the first host', () => {
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d), 50);
    b.move(vm('h1', 1), vm('h2', 1));
    b.move(vm('h2', 1), vm('h3', 1));
    b.flush();
    expect(out[0]!.moves).toEqual([{ uuid: vm('h1', 1).uuid, fromHostId: 'h1', toHostId: 'h3' }]);
    expect(out[0]!.upserts.map((v) => v.hostId)).toEqual(['h3']);
    expect(out[0]!.removals.map((r) => r.hostId).sort()).toEqual(['h1', 'h2']);
  });

  it('drops a move whose VM is removed from its new host or comes back within the window', () => {
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d), 50);
    b.move(vm('h1', 1), vm('h2', 1));
    b.remove(vm('h2', 1));
    b.move(vm('h1', 2), vm('h2', 2));
    b.move(vm('h2', 2), vm('h1', 2));
    b.flush();
    expect(out[0]!.moves).toBeUndefined();
    expect(out[0]!.upserts.map((v) => `${v.hostId}/${v.name}`)).toEqual(['h1/vm-2']);
  });

  it('forgets a move touching a host whose list is reset', () => {
    const out: InventoryDelta[] = [];
    const b = new DeltaBatcher((d) => out.push(d), 50);
    b.move(vm('h1', 1), vm('h2', 1));
    b.reset('h2', []);
    b.flush();
    expect(out[0]!.moves).toBeUndefined();
  });
});
