import { describe, expect, it } from 'vitest';
import type { Task } from '../../../api/tasks-api';
import {
  durationMs,
  durationText,
  filterTasks,
  mergeListed,
  mergeTask,
  runningCount,
  statusText,
  targetText,
} from '../../../renderer/views/tasks/task-text';

function task(id: string, over: Partial<Task> = {}): Task {
  return {
    id,
    kind: 'image-upload',
    title: `task ${id}`,
    ownerId: 'u1',
    status: 'succeeded',
    targets: [],
    steps: [],
    log: [],
    startedAt: '2026-11-29T12:00:00.000Z',
    actions: { cancel: false, resume: false, rollback: false },
    ...over,
  };
}

const vm = {
  kind: 'vm',
  hostId: 'h1',
  uuid: '00000000-0000-4000-8000-000000000001',
  name: 'Web-2',
} as const;
const cluster = { kind: 'cluster', cluster: 'demo' } as const;
const image = { kind: 'image', hostId: 'h1', pool: 'default', volume: 'base.qcow2' } as const;

describe('task text', () => {
  it('says each status in words, hyphens as spaces', () => {
    expect(statusText('rolling-back')).toBe('rolling back');
    expect(statusText('rolled-back')).toBe('rolled back');
    expect(statusText('succeeded')).toBe('succeeded');
  });

  it('names a VM, a cluster and an image target', () => {
    expect([vm, cluster, image].map(targetText)).toEqual(['Web-2', 'demo', 'default/base.qcow2']);
  });

  it('says durations the way people do', () => {
    expect(durationText(412)).toBe('412 ms');
    expect(durationText(42_300)).toBe('42 s');
    expect(durationText(185_000)).toBe('3 min 5 s');
    expect(durationText(180_000)).toBe('3 min');
    expect(durationText(2 * 3600_000 + 4 * 60_000)).toBe('2 h 4 min');
  });

  it('measures a running task to now and a finished one to its end', () => {
    const start = Date.parse('2026-11-29T12:00:00.000Z');
    expect(durationMs(task('a', { status: 'running' }), start + 5000)).toBe(5000);
    expect(durationMs(task('a', { endedAt: '2026-11-29T12:00:03.000Z' }), start + 99_000)).toBe(
      3000,
    );
    expect(durationMs(task('a', { startedAt: 'not a time' }), start)).toBe(0);
  });
});

describe('the toolbar filters', () => {
  const tasks = [
    task('1', { kind: 'vm-resize', status: 'running', targets: [vm] }),
    task('2', { kind: 'cluster-create', status: 'failed', targets: [cluster] }),
    task('3', { kind: 'image-upload', status: 'succeeded', targets: [image] }),
    task('4', { kind: 'cluster-delete', status: 'queued', targets: [cluster] }),
  ];
  const ids = (f: Parameters<typeof filterTasks>[1]) => filterTasks(tasks, f).map((t) => t.id);

  it('let everything through when empty', () => {
    expect(ids({ target: '' })).toEqual(['1', '2', '3', '4']);
  });

  it('filter by kind', () => {
    expect(ids({ kind: 'cluster-create', target: '' })).toEqual(['2']);
  });

  it('filter by state, "running or queued" covering every state still moving', () => {
    expect(ids({ state: 'active', target: '' })).toEqual(['1', '4']);
    expect(ids({ state: 'failed', target: '' })).toEqual(['2']);
  });

  it("filter by a target's VM name, cluster or volume, any case, but not its pool", () => {
    expect(ids({ target: 'web' })).toEqual(['1']);
    expect(ids({ target: ' DEMO ' })).toEqual(['2', '4']);
    expect(ids({ target: 'base.q' })).toEqual(['3']);
    expect(ids({ target: 'default' })).toEqual([]);
  });

  it('combine', () => {
    expect(ids({ kind: 'cluster-delete', state: 'active', target: 'demo' })).toEqual(['4']);
  });
});

describe('the live list', () => {
  it('puts a changed task in place of its older copy, newest first', () => {
    const a = task('a', { startedAt: '2026-11-29T12:00:00.000Z', status: 'running' });
    const b = task('b', { startedAt: '2026-11-29T12:01:00.000Z' });
    let list = mergeTask([], a);
    list = mergeTask(list, b);
    expect(list.map((t) => t.id)).toEqual(['b', 'a']);
    list = mergeTask(list, { ...a, status: 'succeeded' });
    expect(list.map((t) => `${t.id}:${t.status}`)).toEqual(['b:succeeded', 'a:succeeded']);
  });

  it('keeps an event that came before the first list over the listed copy', () => {
    const listed = [task('a', { status: 'running' }), task('b')];
    const pushed = [task('a', { status: 'succeeded' })];
    expect(mergeListed(listed, pushed).find((t) => t.id === 'a')?.status).toBe('succeeded');
    expect(mergeListed(listed, pushed)).toHaveLength(2);
  });

  it('counts queued, running, cancelling and rolling-back tasks as running', () => {
    const statuses = [
      'queued',
      'running',
      'cancelling',
      'rolling-back',
      'interrupted',
      'failed',
    ] as const;
    expect(runningCount(statuses.map((status, i) => task(String(i), { status })))).toBe(4);
  });
});
