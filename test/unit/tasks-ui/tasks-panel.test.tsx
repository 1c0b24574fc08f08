// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessRules } from '../../../api/access';
import { CorralError } from '../../../api/errors';
import type { Task } from '../../../api/tasks-api';
import type { ServiceImpl } from '../../../api/types';
import { useNotifications } from '../../../renderer/app/notifications';
import { useTasksStore } from '../../../renderer/views/tasks/task-store';
import { tasksViewApi } from '../../../renderer/views/tasks/tasks-client';
import { TasksPanel } from '../../../renderer/views/tasks/tasks-panel';
import { useTasksFeed } from '../../../renderer/views/tasks/use-tasks-feed';
import { renderServedView, until, unmountServedView } from '../support/served-view';

type Api = typeof tasksViewApi;

const access: AccessRules<Api> = {
  tasks: {
    list: 'signed-in',
    get: 'signed-in',
    cancel: 'owner:task',
    resume: 'owner:task',
    rollback: 'owner:task',
    onChanged: 'signed-in',
  },
  accounts: { names: 'signed-in' },
};

const T0 = Date.parse('2026-11-29T12:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const none = { cancel: false, resume: false, rollback: false };

function task(id: string, over: Partial<Task> = {}): Task {
  return {
    id,
    kind: 'checkpoint-create',
    title: `Checkpoint ${id}`,
    ownerId: 'u1',
    status: 'succeeded',
    targets: [{ kind: 'cluster', cluster: id }],
    steps: [],
    log: [],
    startedAt: at(0),
    endedAt: at(3),
    actions: none,
    ...over,
  };
}

/** The feed and the panel, as the dock shows them. */
function Harness() {
  useTasksFeed();
  return <TasksPanel />;
}

let emit: (t: Task) => void = () => {};
const calls: string[] = [];

async function mount(tasks: Task[], opts: { cancel?: () => Task } = {}) {
  useNotifications.getState().clear();
  useTasksStore.setState({ filter: { target: '' }, expanded: new Set() });
  calls.length = 0;
  const act =
    (name: string, make: (id: string) => Task) =>
    ({ id }: { id: string }) => {
      calls.push(`${name} ${id}`);
      return make(id);
    };
  const impl: ServiceImpl<Api, object> = {
    tasks: {
      list: () => tasks,
      get: ({ id }) => tasks.find((t) => t.id === id)!,
      cancel: opts.cancel ?? act('cancel', (id) => task(id, { status: 'cancelling' })),
      resume: act('resume', (id) => task(id, { status: 'running', endedAt: undefined })),
      rollback: act('rollback', (id) => task(id, { status: 'rolling-back', endedAt: undefined })),
      onChanged: (e) => {
        emit = e;
        return { dispose() {} };
      },
    },
    accounts: { names: () => ({ u1: 'ann', u2: 'bob' }) },
  };
  await renderServedView({
    contract: tasksViewApi,
    impl,
    access,
    view: <Harness />,
    session: { user: { id: 'u1', username: 'ann', role: 'admin' }, logOut: async () => {} },
  });
}

afterEach(unmountServedView);

const table = (name: string) => document.querySelector(`table[aria-label="${name}"]`);
const rowOf = (title: string) =>
  [...document.querySelectorAll('tr')].find(
    (r) => [...r.children].find((c) => c.matches('th[scope="row"]'))?.textContent === title,
  );
const cells = (title: string) =>
  [...rowOf(title)!.children].map((c) => c.textContent?.trim() ?? '');
const button = (name: string) => {
  const found = [...document.querySelectorAll('button')].filter(
    (b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name,
  );
  if (found.length !== 1) throw new Error(`${found.length} buttons named ${name}`);
  return found[0]!;
};
const click = (b: HTMLElement) => act(() => b.click());

describe('the Tasks tab', () => {
  it('lists tasks newest first in a data table: kind, status in words, targets, owner by name, duration, progress', async () => {
    await mount([
      task('old', { startedAt: at(-60), endedAt: at(-50), status: 'failed', error: 'host gone' }),
      task('new', {
        kind: 'vm-resize',
        status: 'running',
        endedAt: undefined,
        ownerId: 'u2',
        progress: 0.4,
        targets: [
          { kind: 'vm', hostId: 'h1', uuid: '00000000-0000-4000-8000-000000000001', name: 'web-2' },
        ],
      }),
    ]);
    await until(() => expect(table('Tasks')).not.toBeNull());
    expect(table('Tasks')!.getAttribute('role')).toBe('table');
    const titles = [...document.querySelectorAll('th[scope="row"]')].map((t) => t.textContent);
    expect(titles).toEqual(['Checkpoint new', 'Checkpoint old']);
    const running = cells('Checkpoint new');
    expect(running).toEqual(expect.arrayContaining(['VM resize', 'running', 'web-2', 'bob']));
    const old = cells('Checkpoint old');
    expect(old).toEqual(
      expect.arrayContaining(['Checkpoint create', 'failed', 'old', 'ann', '10 s']),
    );
    const bar = rowOf('Checkpoint new')!.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-label')).toBe('Progress of Checkpoint new');
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(document.querySelector('[role="status"]')!.textContent).toBe('2 of 2 tasks shown');
  });

  it('opens a row to its steps (status in words, what each measured) and its log', async () => {
    await mount([
      task('c1', {
        steps: [
          {
            id: 'n1',
            label: 'node n1',
            status: 'done',
            detail: 'paused 412 ms',
            startedAt: at(0),
            endedAt: at(1),
          },
          { id: 'n2', label: 'node n2', status: 'failed', error: 'disk full' },
        ],
        log: [{ at: at(2), level: 'warn', text: 'n2 could not snapshot' }],
      }),
    ]);
    await until(() => expect(rowOf('Checkpoint c1')).toBeDefined());
    expect(table('Steps of Checkpoint c1')).toBeNull();
    const toggle = button('Details of Checkpoint c1');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(cells('node n1')).toEqual(['node n1', 'done', 'paused 412 ms', '1 s']);
    expect(cells('node n2')).toEqual(['node n2', 'failed', 'disk full', '—']);
    const log = document.querySelector('ol[aria-label="Log of Checkpoint c1"]')!;
    expect(log.textContent).toContain('warn: n2 could not snapshot');
  });

  it('follows changes live and announces an own task that ended after more than 10 s', async () => {
    const running = task('long', {
      status: 'running',
      endedAt: undefined,
      actions: { ...none, cancel: true },
    });
    await mount([running]);
    await until(() => expect(cells('Checkpoint long')).toContain('running'));
    await act(async () =>
      emit({ ...running, status: 'succeeded', endedAt: at(42), actions: none }),
    );
    await until(() => expect(cells('Checkpoint long')).toContain('succeeded'));
    expect(cells('Checkpoint long')).toContain('42 s');
    const notices = useNotifications.getState().notices;
    expect(notices.map((n) => [n.variant, n.title, n.detail])).toEqual([
      ['success', 'Checkpoint long: succeeded', 'After 42 s.'],
    ]);
  });

  it('offers only the actions a task allows; cancelling asks first, resuming does not', async () => {
    await mount([
      task('a', { status: 'running', endedAt: undefined, actions: { ...none, cancel: true } }),
      task('b', {
        status: 'interrupted',
        actions: { cancel: false, resume: true, rollback: true },
      }),
      task('c'),
    ]);
    await until(() => expect(rowOf('Checkpoint c')).toBeDefined());
    const names = (title: string) =>
      [...rowOf(title)!.querySelectorAll('td button')]
        .filter((b) => !b.getAttribute('aria-label')?.startsWith('Details of'))
        .map((b) => b.textContent);
    expect(names('Checkpoint a')).toEqual(['Cancel']);
    expect(names('Checkpoint b')).toEqual(['Resume', 'Roll back']);
    expect(names('Checkpoint c')).toEqual([]);

    await click(button('Cancel Checkpoint a'));
    const dialog = document.querySelector('[role="dialog"]')!;
    expect(dialog.textContent).toContain('Cancel Checkpoint a?');
    expect(calls).toEqual([]);
    await click([...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!);
    await until(() => expect(calls).toEqual(['cancel a']));
    await until(() => expect(cells('Checkpoint a')).toContain('cancelling'));

    await click(button('Resume Checkpoint b'));
    await until(() => expect(calls).toEqual(['cancel a', 'resume b']));
  });

  it('keeps the end an event reported over an older answer to the cancel that caused it', async () => {
    const running = task('a', {
      status: 'running',
      endedAt: undefined,
      actions: { ...none, cancel: true },
    });
    await mount([running], {
      // The engine ends the task and says so before the cancel call's answer leaves.
      cancel: () => {
        emit({ ...running, status: 'cancelled', endedAt: at(5) });
        return { ...running, status: 'cancelling' };
      },
    });
    await until(() => expect(rowOf('Checkpoint a')).toBeDefined());
    await click(button('Cancel Checkpoint a'));
    const dialog = document.querySelector('[role="dialog"]')!;
    await click([...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!);
    await until(() => expect(document.querySelector('[role="dialog"]')).toBeNull());
    expect(cells('Checkpoint a')).toContain('cancelled');
  });

  it('reports a refused action as an error notice and keeps the task as it was', async () => {
    await mount(
      [task('a', { status: 'running', endedAt: undefined, actions: { ...none, cancel: true } })],
      {
        cancel: () => {
          throw new CorralError('conflict', 'it is past the point of no return');
        },
      },
    );
    await until(() => expect(rowOf('Checkpoint a')).toBeDefined());
    await click(button('Cancel Checkpoint a'));
    const dialog = document.querySelector('[role="dialog"]')!;
    await click([...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!);
    await until(() => expect(useNotifications.getState().notices).toHaveLength(1));
    const [notice] = useNotifications.getState().notices;
    expect(notice).toMatchObject({ variant: 'danger', title: 'Could not cancel Checkpoint a' });
    expect(notice!.detail).toContain('past the point of no return');
    expect(cells('Checkpoint a')).toContain('running');
  });

  it('filters by kind, state and target, and says when nothing matches', async () => {
    await mount([
      task('alpha', { kind: 'cluster-create' }),
      task('beta', {
        kind: 'image-upload',
        status: 'failed',
        targets: [{ kind: 'image', hostId: 'h1', pool: 'default', volume: 'beta.img' }],
      }),
    ]);
    await until(() => expect(rowOf('Checkpoint beta')).toBeDefined());
    const shown = () => [...document.querySelectorAll('th[scope="row"]')].map((t) => t.textContent);
    act(() => useTasksStore.getState().setFilter({ kind: 'image-upload' }));
    expect(shown()).toEqual(['Checkpoint beta']);
    act(() => useTasksStore.getState().setFilter({ kind: undefined, state: 'succeeded' }));
    expect(shown()).toEqual(['Checkpoint alpha']);
    act(() => useTasksStore.getState().setFilter({ state: undefined, target: 'BETA.i' }));
    expect(shown()).toEqual(['Checkpoint beta']);
    act(() => useTasksStore.getState().setFilter({ target: 'gamma' }));
    expect(document.body.textContent).toContain('No task matches the filters.');
  });
});
