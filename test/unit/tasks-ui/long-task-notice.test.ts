import { describe, expect, it } from 'vitest';
import type { Task } from '../../../api/tasks-api';
import { LONG_TASK_MS, endedAfterLongRun } from '../../../renderer/views/tasks/long-task-notice';

const START = Date.parse('2026-11-29T12:00:00.000Z');
const at = (ms: number) => new Date(START + ms).toISOString();

function task(over: Partial<Task> = {}): Task {
  return {
    id: 't1',
    kind: 'image-upload',
    title: 'Upload base.img to h1',
    ownerId: 'me',
    status: 'running',
    targets: [],
    steps: [],
    log: [],
    startedAt: at(0),
    actions: { cancel: true, resume: false, rollback: false },
    ...over,
  };
}

const ended = (ms: number, status: Task['status'] = 'succeeded') =>
  task({ status, endedAt: at(ms), actions: { cancel: false, resume: false, rollback: false } });

describe('the "over 10 s and just ended" rule', () => {
  it('announces an own task that was running and has now ended after more than 10 s', () => {
    expect(endedAfterLongRun(task(), ended(LONG_TASK_MS + 1), 'me', START + 20_000)).toBe(true);
  });

  it('announces every final outcome: failed, cancelled and rolled back as well', () => {
    for (const status of ['failed', 'cancelled', 'rolled-back'] as const) {
      expect(endedAfterLongRun(task(), ended(60_000, status), 'me', START + 60_000)).toBe(true);
    }
  });

  it('stays quiet for a task that ended within 10 s, exactly 10 s included', () => {
    expect(endedAfterLongRun(task(), ended(9_999), 'me', START + 20_000)).toBe(false);
    expect(endedAfterLongRun(task(), ended(LONG_TASK_MS), 'me', START + 20_000)).toBe(false);
  });

  it('stays quiet for a task first seen already finished (the history at sign-in)', () => {
    expect(endedAfterLongRun(undefined, ended(60_000), 'me', START + 60_000)).toBe(false);
  });

  it('stays quiet for a change to a task that had already ended', () => {
    expect(
      endedAfterLongRun(ended(60_000, 'failed'), ended(61_000, 'rolled-back'), 'me', START),
    ).toBe(false);
  });

  it('stays quiet while a long task is still going (running, interrupted, rolling back)', () => {
    for (const status of ['running', 'interrupted', 'rolling-back', 'cancelling'] as const) {
      expect(endedAfterLongRun(task(), task({ status }), 'me', START + 60_000)).toBe(false);
    }
  });

  it("stays quiet for another user's task the administrator watches", () => {
    expect(endedAfterLongRun(task(), ended(60_000), 'admin', START + 60_000)).toBe(false);
  });

  it('measures a final task without an end time up to now', () => {
    const noEnd = task({ status: 'succeeded' });
    expect(endedAfterLongRun(task(), noEnd, 'me', START + 11_000)).toBe(true);
    expect(endedAfterLongRun(task(), noEnd, 'me', START + 5_000)).toBe(false);
  });
});
