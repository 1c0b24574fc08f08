// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessRules } from '../../../api/access';
import { corralAccess } from '../../../api/corral-access';
import { CorralError } from '../../../api/errors';
import type { HostView } from '../../../api/hosts-api';
import type { MigrateRequest, MigrationPreflight } from '../../../api/migration-api';
import type { Task } from '../../../api/tasks-api';
import type { ServiceImpl } from '../../../api/types';
import { useNotifications } from '../../../renderer/app/notifications';
import { MigrateDialogHost } from '../../../renderer/views/vm-ops/migrate-button';
import { migrateApi } from '../../../renderer/views/vm-ops/migrate-client';
import { useMigrateStore } from '../../../renderer/views/vm-ops/migrate-store';
import { button, click, text } from '../support/dom-actions';
import { renderServedView, settle, until, unmountServedView } from '../support/served-view';
import { act } from 'react';

type Api = typeof migrateApi;

const UUID = '11111111-2222-3333-4444-555555555555';
const host = (id: string, name: string, online = true): HostView => ({
  id,
  name,
  local: false,
  address: '10.0.0.1',
  port: 22,
  user: 'root',
  authKind: 'key',
  hasSecret: false,
  status: online
    ? { state: 'online', since: '2026-01-01T00:00:00Z' }
    : { state: 'connecting', attempt: 1 },
});
const HOSTS = [
  host('h1', 'alpha'),
  host('h2', 'beta'),
  host('h3', 'gamma'),
  host('h4', 'delta', false),
];

/** The app's own rules for these entries, so the dialog is tried behind the real gate. */
const access: AccessRules<Api> = {
  migration: corralAccess.migration,
  tasks: { get: corralAccess.tasks.get, onChanged: corralAccess.tasks.onChanged },
  hosts: { list: corralAccess.hosts.list },
};

function service() {
  const calls: Array<{ path: string; input: MigrateRequest }> = [];
  /** beta is short of memory; gamma takes the VM. */
  const verdict = (req: MigrateRequest): MigrationPreflight => ({
    vm: { hostId: req.hostId, uuid: req.uuid, name: 'web-1' },
    targetHostId: req.targetHostId,
    mode: 'live',
    ok: req.targetHostId !== 'h2',
    blockers:
      req.targetHostId === 'h2'
        ? [
            {
              code: 'memory-short',
              message: 'beta has 180 MiB free; web-1 needs 256 MiB',
              remedy: 'Free memory on beta or pick another host',
            },
          ]
        : [],
    notices: [{ code: 'console-reconnect', message: 'Open consoles reconnect by themselves.' }],
    storage: { copyBytes: 3 * 1024 * 1024 },
    checkedMs: 87,
  });
  const impl: ServiceImpl<Api, object> = {
    migration: {
      preflight: (input) => {
        calls.push({ path: 'preflight', input });
        return verdict(input);
      },
      start: (input): Task => {
        calls.push({ path: 'start', input });
        return {
          id: 't-mig',
          kind: 'vm-migrate',
          title: 'Migrate web-1 to gamma',
          ownerId: 'u1',
          status: 'running',
          targets: [{ kind: 'vm', hostId: 'h1', uuid: UUID, name: 'web-1' }],
          steps: [],
          log: [],
          startedAt: '2026-01-01T00:00:00Z',
          actions: { cancel: true, resume: false, rollback: false },
        };
      },
    },
    tasks: {
      get: ({ id }) => {
        throw new CorralError('not-found', `no task ${id}`);
      },
      onChanged: () => ({ dispose() {} }),
    },
    hosts: { list: () => HOSTS },
  };
  return { impl, calls };
}

let svc: ReturnType<typeof service>;
const dialog = () => document.querySelector('[data-testid="migrate-dialog"]');
const select = () => dialog()!.querySelector('select')!;
const migrate = () => button('Migrate');

async function pickTarget(id: string) {
  await act(async () => {
    select().value = id;
    select().dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
  });
}

async function open(targetHostId?: string) {
  await renderServedView({
    contract: migrateApi,
    impl: svc.impl,
    access,
    view: <MigrateDialogHost />,
  });
  await act(async () => {
    useMigrateStore.getState().show({ hostId: 'h1', uuid: UUID, name: 'web-1', targetHostId });
    await settle();
  });
}

beforeEach(() => {
  svc = service();
  useNotifications.getState().clear();
  useMigrateStore.getState().close();
});
afterEach(unmountServedView);

describe('MigrateDialog', () => {
  it('offers the other online hosts and checks nothing until one is picked', async () => {
    await open();
    await until(() => expect(select().options.length).toBe(3));
    const names = [...select().options].map((o) => o.textContent);
    expect(names).toEqual(['Choose a host', 'beta', 'gamma']);
    expect(svc.calls).toEqual([]);
    expect(migrate().disabled).toBe(true);
  });

  it('a drop’s target is preselected and checked; its blockers show as text and Migrate stays disabled', async () => {
    await open('h2');
    await until(() =>
      expect(text()).toContain('web-1 cannot move to beta: 1 problem to fix first.'),
    );
    expect(select().value).toBe('h2');
    expect(text()).toContain(
      'beta has 180 MiB free; web-1 needs 256 MiB. What to do: Free memory on beta or pick another host.',
    );
    expect(text()).toContain('Open consoles reconnect by themselves.');
    expect(text()).toContain('Checked in 87 ms.');
    expect(migrate().disabled).toBe(true);
    await click(migrate());
    expect(svc.calls.map((c) => c.path)).toEqual(['preflight']);
  });

  it('another target is checked again; without blockers Migrate starts the task and the dialog closes', async () => {
    await open('h2');
    await until(() => expect(text()).toContain('cannot move to beta'));
    await pickTarget('h3');
    await until(() => expect(text()).toContain('web-1 can move to gamma (live, while it runs).'));
    expect(text()).toContain('About 3 MiB of disk data is copied to the target.');
    expect(migrate().disabled).toBe(false);
    await click(migrate());
    await until(() => expect(dialog()).toBeNull());
    expect(svc.calls).toEqual([
      { path: 'preflight', input: { hostId: 'h1', uuid: UUID, targetHostId: 'h2' } },
      { path: 'preflight', input: { hostId: 'h1', uuid: UUID, targetHostId: 'h3' } },
      { path: 'start', input: { hostId: 'h1', uuid: UUID, targetHostId: 'h3' } },
    ]);
    expect(useNotifications.getState().notices.map((n) => n.title)).toContain(
      'Started: Migrate web-1 to gamma',
    );
  });
});
