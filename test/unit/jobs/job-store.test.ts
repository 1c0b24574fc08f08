import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../api/jobs-api';
import { RunSpec } from '../../../api/jobs-api';
import { JobStore } from '../../../core/jobs/job-store';

const job = (id: string, startedAt: string): Job => ({
  id,
  cluster: 'c',
  ownerId: 'u1',
  program: {
    programId: 'p',
    name: 'hello.c',
    kind: 'c',
    files: ['hello.c'],
    sizeBytes: 1,
    sha256: 'x',
  },
  run: RunSpec.parse({}),
  status: 'running',
  build: { diagnostics: [] },
  ranks: [],
  outputLimitBytes: 10,
  startedAt,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'corral-jobs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('job store', () => {
  it('keeps jobs across restarts, newest first, in private files', () => {
    const a = new JobStore(dir);
    a.put(job('j1', '2026-01-01T00:00:00Z'));
    a.put(job('j2', '2026-01-02T00:00:00Z'));
    a.put({ ...job('j1', '2026-01-01T00:00:00Z'), status: 'succeeded' });
    const b = new JobStore(dir);
    expect(b.list().map((j) => [j.id, j.status])).toEqual([
      ['j2', 'running'],
      ['j1', 'succeeded'],
    ]);
    expect(statSync(join(dir, 'j1', 'job.json')).mode & 0o777).toBe(0o600);
  });

  it('keeps each stream up to the limit and counts what it dropped', () => {
    const s = new JobStore(dir);
    s.put(job('j1', '2026-01-01T00:00:00Z'));
    expect(s.append('j1', 'r0.stdout', Buffer.from('123456'), 10)).toEqual({ kept: 6, dropped: 0 });
    expect(s.append('j1', 'r0.stdout', Buffer.from('7890ab'), 10)).toEqual({ kept: 4, dropped: 2 });
    expect(s.append('j1', 'r0.stdout', Buffer.from('c'), 10)).toEqual({ kept: 0, dropped: 1 });
    s.append('j1', 'r0.stderr', Buffer.from('e'), 10);
    expect(s.read('j1', 'r0.stdout').toString()).toBe('1234567890');
    expect([...new JobStore(dir).streams('j1')]).toEqual([
      ['r0.stderr', 1],
      ['r0.stdout', 10],
    ]);
  });

  it('cuts streams back to a saved position (empties those not named)', () => {
    const s = new JobStore(dir);
    s.append('j1', 'r0.stdout', Buffer.from('abcdef'), 100);
    s.append('j1', 'r1.stdout', Buffer.from('xyz'), 100);
    s.truncateTo('j1', { 'r0.stdout': 2 });
    expect(s.read('j1', 'r0.stdout').toString()).toBe('ab');
    expect(s.read('j1', 'r1.stdout').toString()).toBe('');
    s.append('j1', 'r0.stdout', Buffer.from('c'), 100);
    expect(readFileSync(join(dir, 'j1', 'r0.stdout.out'), 'utf8')).toBe('abc');
  });

  it('removes a job with its output; refuses ids that are not job ids', () => {
    const s = new JobStore(dir);
    s.put(job('j1', '2026-01-01T00:00:00Z'));
    s.append('j1', 'build', Buffer.from('cc'), 100);
    s.remove('j1');
    expect(s.get('j1')).toBeUndefined();
    expect(new JobStore(dir).list()).toEqual([]);
    expect(() => s.append('../x', 'build', Buffer.from('a'), 10)).toThrow(/not a job id/);
  });
});
