import { describe, expect, it } from 'vitest';
import { VmCopies } from '../../../core/inventory/vm-copies';
import { vm } from './vm-fixture';

describe('VmCopies', () => {
  it('reports a live migration as one move at the switch-over, the incoming copy hidden till then', () => {
    const c = new VmCopies();
    expect(c.upsert(vm('h1', 1, { state: 'running' })).kind).toBe('upsert');
    // Prepare: a paused incoming copy on the target is not a second VM.
    expect(c.upsert(vm('h2', 1, { state: 'paused' })).kind).toBe('hidden');
    expect(c.isShown(vm('h2', 1))).toBe(false);
    expect(c.isShown(vm('h1', 1))).toBe(true);
    // The source pauses for the switch-over: still the shown one (nothing runs elsewhere).
    expect(c.upsert(vm('h1', 1, { state: 'paused' }))).toEqual({
      kind: 'upsert',
      vm: vm('h1', 1, { state: 'paused' }),
    });
    // The target resumes: the VM moved.
    expect(c.upsert(vm('h2', 1, { state: 'running' }))).toEqual({
      kind: 'move',
      from: { hostId: 'h1', uuid: vm('h1', 1).uuid },
      to: vm('h2', 1, { state: 'running' }),
    });
    expect(c.isShown(vm('h2', 1))).toBe(true);
    // The source's leftovers (stopped, then undefined) are nobody's business.
    expect(c.upsert(vm('h1', 1, { state: 'shut-off' })).kind).toBe('hidden');
    expect(c.remove(vm('h1', 1)).kind).toBe('hidden');
    expect(c.upsert(vm('h2', 1, { state: 'running', cpuPercent: 3 })).kind).toBe('upsert');
  });

  it('moves when the shown copy stops while the other one runs (source event first)', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1, { state: 'running' }));
    expect(c.upsert(vm('h2', 1, { state: 'running' })).kind).toBe('hidden');
    expect(c.upsert(vm('h1', 1, { state: 'shut-off' }))).toEqual({
      kind: 'move',
      from: { hostId: 'h1', uuid: vm('h1', 1).uuid },
      to: vm('h2', 1, { state: 'running' }),
    });
  });

  it('hides a failed migration entirely: the target copy comes and goes unseen', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1, { state: 'running' }));
    expect(c.upsert(vm('h2', 1, { state: 'paused' })).kind).toBe('hidden');
    expect(c.upsert(vm('h1', 1, { state: 'paused' })).kind).toBe('upsert');
    expect(c.upsert(vm('h1', 1, { state: 'running' })).kind).toBe('upsert');
    expect(c.remove(vm('h2', 1)).kind).toBe('hidden');
    expect(c.isShown(vm('h1', 1))).toBe(true);
  });

  it('moves an offline migration when the source definition goes after the target has one', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1));
    expect(c.upsert(vm('h2', 1)).kind).toBe('hidden');
    expect(c.remove(vm('h1', 1))).toEqual({
      kind: 'move',
      from: { hostId: 'h1', uuid: vm('h1', 1).uuid },
      to: vm('h2', 1),
    });
  });

  it('says gone when the last copy goes, and a fresh copy later is an ordinary upsert', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1));
    expect(c.remove(vm('h1', 1))).toEqual({
      kind: 'gone',
      ref: { hostId: 'h1', uuid: vm('h1', 1).uuid },
    });
    expect(c.upsert(vm('h2', 1)).kind).toBe('upsert');
  });

  it('keeps a stale shown copy rather than jump to a copy that is not running', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1, { state: 'running' }));
    c.upsert(vm('h2', 1, { state: 'paused' }));
    expect(c.upsert(vm('h1', 1, { state: 'running', stale: true })).kind).toBe('upsert');
    expect(c.isShown(vm('h1', 1))).toBe(true);
  });

  it('on a reset lists only the copies shown on that host and reports the moves it causes', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1, { state: 'running' }));
    c.upsert(vm('h1', 2, { state: 'paused' }));
    c.upsert(vm('h2', 3, { state: 'running' }));
    // h2 reconnects: it now has VM 1 paused (incoming: hidden) and VM 2 running (moved here).
    const r = c.reset('h2', [vm('h2', 1, { state: 'paused' }), vm('h2', 2, { state: 'running' })]);
    expect(r.shown.map((v) => v.name)).toEqual(['vm-2']);
    expect(r.moves).toEqual([
      { from: { hostId: 'h1', uuid: vm('h1', 2).uuid }, to: vm('h2', 2, { state: 'running' }) },
    ]);
    // VM 3 left h2 in that reset: gone from the list, no other copy, nothing to move.
    expect(c.isShown(vm('h2', 3))).toBe(true);
    expect(c.upsert(vm('h1', 3)).kind).toBe('upsert');
  });

  it('on a reset without the shown copy hands the VM to the copy elsewhere', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1, { state: 'running' }));
    c.upsert(vm('h2', 1, { state: 'paused' }));
    const r = c.reset('h1', []);
    expect(r.shown).toEqual([]);
    expect(r.moves).toEqual([
      { from: { hostId: 'h1', uuid: vm('h1', 1).uuid }, to: vm('h2', 1, { state: 'paused' }) },
    ]);
  });

  it('hands a removed host’s VMs to their copies elsewhere', () => {
    const c = new VmCopies();
    c.upsert(vm('h1', 1, { state: 'running' }));
    c.upsert(vm('h2', 1, { state: 'paused' }));
    c.upsert(vm('h1', 2));
    expect(c.removeHost('h1')).toEqual([
      { from: { hostId: 'h1', uuid: vm('h1', 1).uuid }, to: vm('h2', 1, { state: 'paused' }) },
    ]);
    expect(c.isShown(vm('h2', 1))).toBe(true);
  });
});
