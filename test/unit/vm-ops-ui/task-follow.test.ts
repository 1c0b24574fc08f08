import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Emitter } from '../../../api/emitter';
import { CorralError } from '../../../api/errors';
import type { Task } from '../../../api/tasks-api';
import { useNotifications } from '../../../renderer/app/notifications';
import { useAppStore } from '../../../renderer/state/app-store';
import { followTask } from '../../../renderer/views/vm-ops/task-follow';
import { vmOpsClientOf } from '../../../renderer/views/vm-ops/vm-ops-client';

const START = '2026-01-01T00:00:00.000Z';
const base: Task = {
  id: 't1',
  kind: 'snapshot-create',
  title: 'Snapshot s1 of web-1',
  ownerId: 'u1',
  status: 'running',
  targets: [],
  steps: [],
  log: [],
  startedAt: START,
  actions: { cancel: false, resume: false, rollback: false },
};
const at = (s: number) => new Date(Date.parse(START) + s * 1000).toISOString();

let events: Emitter<Task>;
const client = () =>
  vmOpsClientOf({
    tasks: {
      onChanged: (l: (t: Task) => void) => events.on(l),
      get: () => Promise.reject(new CorralError('not-found', 'no such task')),
    },
  });
const notices = () => useNotifications.getState().notices;

beforeEach(() => {
  events = new Emitter<Task>();
  useNotifications.getState().clear();
  useAppStore.setState({ panelOpen: false, dockTab: 'consoles' });
});
afterEach(() => useNotifications.getState().clear());

describe('followTask', () => {
  it('says the task started, with a link that opens the Tasks tab', () => {
    followTask(client(), base);
    const [started] = notices();
    expect(started).toMatchObject({ variant: 'info', title: 'Started: Snapshot s1 of web-1' });
    started!.action!.run();
    expect(useAppStore.getState()).toMatchObject({ panelOpen: true, dockTab: 'tasks' });
  });

  it('tells a quick task’s end, with its reason, and calls back once', () => {
    const ended: string[] = [];
    followTask(client(), base, (t) => ended.push(t.status));
    events.fire({ ...base, status: 'failed', endedAt: at(3), error: 'disk full' });
    events.fire({ ...base, status: 'failed', endedAt: at(3), error: 'disk full' });
    expect(ended).toEqual(['failed']);
    // The end replaced the start.
    expect(notices()).toMatchObject([
      { variant: 'danger', title: 'Failed: Snapshot s1 of web-1', detail: 'disk full' },
    ]);
  });

  it('leaves a long task’s end to the Tasks tab’s notice, and ignores other tasks', () => {
    const ended: string[] = [];
    followTask(client(), base, (t) => ended.push(t.id));
    events.fire({ ...base, id: 'other', status: 'succeeded', endedAt: at(1) });
    expect(ended).toEqual([]);
    events.fire({ ...base, status: 'succeeded', endedAt: at(60) });
    expect(ended).toEqual(['t1']);
    expect(notices()).toEqual([]);
  });
});
