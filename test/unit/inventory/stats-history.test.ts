import { describe, expect, it } from 'vitest';
import { SampleRing } from '../../../core/inventory/sample-ring';
import { StatsHistory } from '../../../core/inventory/stats-history';

const s = (at: number, cpu = at / 10, memoryKiB = at * 2) => ({ at, cpu, memoryKiB });

describe('SampleRing', () => {
  it('never holds more than its capacity, and keeps the newest when it wraps', () => {
    const ring = new SampleRing(5);
    for (let i = 1; i <= 13; i++) ring.push(s(i));
    expect(ring.size).toBe(5);
    expect(ring.series().t).toEqual([9, 10, 11, 12, 13]);
    expect(ring.series().memoryKiB).toEqual([18, 20, 22, 24, 26]);
  });

  it('hands samples out oldest first across the wrap point, and after growing', () => {
    // 40 > the first allocation (16): the ring grows, then wraps at its capacity of 37.
    const ring = new SampleRing(37);
    for (let i = 0; i < 40; i++) ring.push(s(i));
    const { t, cpu } = ring.series();
    expect(t).toEqual(Array.from({ length: 37 }, (_, k) => k + 3));
    expect(cpu).toEqual(t.map((x) => x / 10));
    expect(ring.newest).toBe(39);
  });

  it('ignores a sample older than the newest, so times always rise', () => {
    const ring = new SampleRing(4);
    ring.push(s(10));
    expect(ring.push(s(5))).toBe(false);
    ring.push(s(10)); // the same time is allowed (two reports of one period)
    expect(ring.series().t).toEqual([10, 10]);
  });

  it('reads an unknown CPU (NaN) as null, and filters by time', () => {
    const ring = new SampleRing(4);
    ring.push({ at: 1, cpu: NaN, memoryKiB: 100 });
    ring.push({ at: 2, cpu: 12.3, memoryKiB: 200 });
    expect(ring.series().cpu).toEqual([null, 12.3]);
    expect(ring.series(2)).toEqual({ t: [2], cpu: [12.3], memoryKiB: [200] });
  });

  it('refuses a capacity below one', () => {
    expect(() => new SampleRing(0)).toThrow(RangeError);
  });
});

describe('StatsHistory', () => {
  const period = 3_000;
  const window = 15 * 60_000;

  function history() {
    let now = 1_000_000;
    const h = new StatsHistory({ windowMs: window, periodMs: period, now: () => now });
    return { h, advance: (ms: number) => (now += ms), at: () => now };
  }

  it('is bounded to 15 minutes at the poll period', () => {
    const { h, advance, at } = history();
    expect(h.capacity).toBe(window / period + 1);
    for (let i = 0; i < 1000; i++) {
      h.recordHost('h1', s(at()));
      advance(period);
    }
    const series = h.host('h1');
    expect(series.t.length).toBeLessThanOrEqual(h.capacity);
    expect(series.t.length).toBeGreaterThanOrEqual(window / period);
    expect(at() - series.t[0]!).toBeLessThanOrEqual(window + period);
  });

  it('keeps a VM by UUID wherever it runs, case-insensitively', () => {
    const { h, at, advance } = history();
    const uuid = 'AAAAAAAA-0000-4000-8000-000000000001';
    h.recordVm(uuid, s(at())); // on one host
    advance(period);
    h.recordVm(uuid.toLowerCase(), s(at())); // after a migration, reported by another
    h.recordVm('bbbbbbbb-0000-4000-8000-000000000002', s(at(), 99));
    expect(h.vm(uuid.toLowerCase()).t).toHaveLength(2);
    expect(h.vm('bbbbbbbb-0000-4000-8000-000000000002').cpu).toEqual([99]);
    expect(h.vm('cccccccc-0000-4000-8000-000000000003')).toEqual({ t: [], cpu: [], memoryKiB: [] });
  });

  it('drops VMs whose last sample has left the window, and shows only the window', () => {
    const { h, at, advance } = history();
    h.recordVm('aaaaaaaa-0000-4000-8000-000000000001', s(at()));
    advance(window + 1);
    expect(h.vm('aaaaaaaa-0000-4000-8000-000000000001').t).toEqual([]);
    h.recordHost('h1', s(at()));
    expect(h.ringCount).toEqual({ hosts: 1, vms: 0 });
  });

  it('forgets a removed host', () => {
    const { h, at } = history();
    h.recordHost('h1', s(at()));
    h.forgetHost('h1');
    expect(h.host('h1').t).toEqual([]);
  });

  it('refuses a window or period that is not positive; a period longer than the window is fine', () => {
    expect(() => new StatsHistory({ windowMs: 0, periodMs: 3_000 })).toThrow(RangeError);
    expect(() => new StatsHistory({ windowMs: 60_000, periodMs: -1 })).toThrow(RangeError);
    expect(new StatsHistory({ windowMs: 60_000, periodMs: 3_600_000 }).capacity).toBe(2);
  });
});
