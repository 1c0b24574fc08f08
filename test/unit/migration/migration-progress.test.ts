import { describe, expect, it } from 'vitest';
import { describeMigrationJob } from '../../../core/migration/migration-progress';

const MiB = 1024 * 1024;

describe('describeMigrationJob', () => {
  it('says it is starting while the job has no totals yet', () => {
    expect(describeMigrationJob({ time_elapsed: 20 })).toEqual({ text: 'starting', fraction: 0 });
  });

  it('shows the disk copy first, as a percentage of the disks', () => {
    const p = describeMigrationJob({
      data_total: 300 * MiB,
      data_remaining: 240 * MiB,
      disk_total: 100 * MiB,
      disk_processed: 40 * MiB,
      disk_remaining: 60 * MiB,
      memory_total: 200 * MiB,
      memory_remaining: 200 * MiB,
      disk_bps: 10 * MiB,
    });
    expect(p.text).toBe('copying disk 40%');
    expect(p.fraction).toBeCloseTo(0.2);
    expect(p.remainingSeconds).toBe(24);
  });

  it('names the memory pass, dirty rate, what is left and the expected downtime', () => {
    const p = describeMigrationJob({
      data_total: 256 * MiB,
      data_remaining: 40 * MiB,
      memory_total: 256 * MiB,
      memory_remaining: 40 * MiB,
      memory_iteration: 2,
      memory_dirty_rate: 3072, // pages/s of 4 KiB = 12 MiB/s
      memory_page_size: 4096,
      memory_bps: 32 * MiB,
      downtime: 30,
    });
    expect(p.text).toBe('memory pass 3, dirty 12 MiB/s, 40 MiB left, expected downtime 30 ms');
    // 40 MiB at 32 MiB/s less the 12 MiB/s the guest dirties again.
    expect(p.remainingSeconds).toBe(2);
  });

  it('gives no end while the guest dirties memory as fast as it is sent', () => {
    const p = describeMigrationJob({
      data_total: 256 * MiB,
      data_remaining: 100 * MiB,
      memory_remaining: 100 * MiB,
      memory_iteration: 7,
      memory_dirty_rate: 10 * 256, // 10 MiB/s
      memory_bps: 8 * MiB,
    });
    expect(p.remainingSeconds).toBeUndefined();
    expect(p.text).toContain('memory pass 8');
  });

  it("prefers libvirt's own estimate of the time left", () => {
    const p = describeMigrationJob({
      data_total: 100,
      data_remaining: 50,
      time_remaining: 4_200,
      memory_bps: 1,
    });
    expect(p.remainingSeconds).toBe(5);
  });

  it('measures the rate between two samples when libvirt reports none', () => {
    const before = {
      data_total: 100 * MiB,
      data_remaining: 80 * MiB,
      data_processed: 20 * MiB,
      time_elapsed: 1_000,
    };
    const now = {
      data_total: 100 * MiB,
      data_remaining: 60 * MiB,
      data_processed: 40 * MiB,
      time_elapsed: 2_000,
    };
    expect(describeMigrationJob(now, before).remainingSeconds).toBe(3);
  });

  it('never reports the job done while it runs, nor below 0', () => {
    expect(describeMigrationJob({ data_total: 10, data_remaining: 0 }).fraction).toBe(0.99);
    expect(describeMigrationJob({ data_total: 10, data_remaining: 50 }).fraction).toBe(0);
  });
});
