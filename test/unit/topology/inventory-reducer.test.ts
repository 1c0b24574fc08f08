import { describe, expect, it } from 'vitest';
import type { InventoryDelta } from '../../../api/inventory-api';
import {
  EMPTY_INVENTORY,
  applyDelta,
  fromSnapshot,
  keyAfter,
  vmKey,
} from '../../../renderer/views/topology/inventory-reducer';
import { host, vm } from '../inventory/vm-fixture';

const delta = (d: Partial<InventoryDelta>): InventoryDelta => ({
  hosts: [],
  upserts: [],
  removals: [],
  resetHosts: [],
  removedHosts: [],
  ...d,
});

describe('inventory reducer', () => {
  const base = fromSnapshot({
    hosts: [host('h1'), host('h2')],
    vms: [vm('h1', 1), vm('h1', 2), vm('h2', 3)],
  });

  it('indexes a snapshot by host and VM key', () => {
    expect(Object.keys(base.hosts)).toEqual(['h1', 'h2']);
    expect(base.vms[vmKey(vm('h1', 2))]?.name).toBe('vm-2');
  });

  it('applies upserts and removals without touching the input', () => {
    const next = applyDelta(
      base,
      delta({ upserts: [vm('h1', 1, { state: 'running' }), vm('h2', 4)], removals: [vm('h1', 2)] }),
    );
    expect(next.vms[vmKey(vm('h1', 1))]?.state).toBe('running');
    expect(next.vms[vmKey(vm('h2', 4))]).toBeDefined();
    expect(next.vms[vmKey(vm('h1', 2))]).toBeUndefined();
    expect(base.vms[vmKey(vm('h1', 1))]?.state).toBe('shut-off');
    expect(Object.keys(base.vms)).toHaveLength(3);
  });

  it('marks VMs stale, then a reset replaces the host list wholesale', () => {
    const since = '2026-11-24T14:05:00.000Z';
    const stale = applyDelta(
      base,
      delta({
        hosts: [host('h1', { stale: true, staleSince: since })],
        upserts: [vm('h1', 1, { stale: true, staleSince: since }), vm('h1', 2, { stale: true })],
      }),
    );
    expect(stale.hosts.h1?.stale).toBe(true);
    expect(stale.vms[vmKey(vm('h1', 1))]?.state).toBe('shut-off'); // last known, kept
    expect(stale.vms[vmKey(vm('h1', 1))]?.stale).toBe(true);
    const back = applyDelta(
      stale,
      delta({ hosts: [host('h1')], resetHosts: ['h1'], upserts: [vm('h1', 7)] }),
    );
    expect(
      Object.values(back.vms)
        .map((v) => `${v.hostId}/${v.name}`)
        .sort(),
    ).toEqual(['h1/vm-7', 'h2/vm-3']);
    expect(back.hosts.h1?.stale).toBe(false);
  });

  it('forgets removed hosts with their VMs; an empty delta changes nothing', () => {
    const next = applyDelta(base, delta({ removedHosts: ['h1'] }));
    expect(Object.keys(next.hosts)).toEqual(['h2']);
    expect(Object.values(next.vms).map((v) => v.hostId)).toEqual(['h2']);
    expect(applyDelta(base, delta({}))).toBe(base);
    expect(applyDelta(EMPTY_INVENTORY, delta({ upserts: [vm('h9', 1)] })).vms).toHaveProperty(
      vmKey(vm('h9', 1)),
    );
  });
});

describe('inventory reducer moves', () => {
  const base = fromSnapshot({
    hosts: [host('h1'), host('h2')],
    vms: [vm('h1', 1, { state: 'running' }), vm('h2', 3)],
  });
  const move = { uuid: vm('h1', 1).uuid, fromHostId: 'h1', toHostId: 'h2' };

  it('moves the VM row to its new host with the figures the delta brings', () => {
    const next = applyDelta(
      base,
      delta({
        removals: [vm('h1', 1)],
        upserts: [vm('h2', 1, { state: 'running', cpuPercent: 7 })],
        moves: [move],
      }),
    );
    expect(next.vms[vmKey(vm('h1', 1))]).toBeUndefined();
    expect(next.vms[vmKey(vm('h2', 1))]?.cpuPercent).toBe(7);
    expect(Object.keys(next.vms)).toHaveLength(2);
  });

  it('moves the VM it knows when the delta carries only the move', () => {
    const next = applyDelta(base, delta({ moves: [move] }));
    expect(next.vms[vmKey(vm('h1', 1))]).toBeUndefined();
    expect(next.vms[vmKey(vm('h2', 1))]).toEqual(vm('h2', 1, { state: 'running' }));
  });

  it('ends the same for a client that ignores moves (removal and upsert in one delta)', () => {
    const d = delta({
      removals: [vm('h1', 1)],
      upserts: [vm('h2', 1, { state: 'running' })],
      moves: [move],
    });
    const { moves: _ignored, ...old } = d;
    expect(applyDelta(base, old)).toEqual(applyDelta(base, d));
  });

  it('points a selected VM key at the VM on its new host', () => {
    const d = delta({ moves: [move] });
    expect(keyAfter(vmKey(vm('h1', 1)), d)).toBe(vmKey(vm('h2', 1)));
    expect(keyAfter(vmKey(vm('h2', 3)), d)).toBe(vmKey(vm('h2', 3)));
  });
});
