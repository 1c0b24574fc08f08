// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessRules } from '../../../api/access';
import { corralAccess } from '../../../api/corral-access';
import { Emitter } from '../../../api/emitter';
import { CorralError } from '../../../api/errors';
import type { Vm } from '../../../api/inventory-api';
import type { RevertCheck, Snapshot } from '../../../api/snapshots-api';
import type { Task } from '../../../api/tasks-api';
import type { ServiceImpl } from '../../../api/types';
import { useNotifications } from '../../../renderer/app/notifications';
import { ResizeDialog } from '../../../renderer/views/vm-ops/resize-dialog';
import { SnapshotsPanel } from '../../../renderer/views/vm-ops/snapshots-panel';
import { useVmOpsClient, vmOpsApi } from '../../../renderer/views/vm-ops/vm-ops-client';
import { button, click, field, pickMenuItem, text, type } from '../support/dom-actions';
import { renderServedView, until, unmountServedView } from '../support/served-view';

type Api = typeof vmOpsApi;

const VM: Vm = {
  hostId: 'h1',
  uuid: '11111111-2222-3333-4444-555555555555',
  name: 'web-1',
  state: 'running',
  stale: false,
  vcpus: 1,
  memoryKiB: 512 * 1024,
  maxMemoryKiB: 1024 * 1024,
  disks: [{ target: 'vda', device: 'disk', capacityBytes: 4 * 1024 ** 3 }],
  nics: [],
};

const SNAPSHOTS: Snapshot[] = [
  {
    name: 'base',
    createdAt: '2026-01-01T00:00:00Z',
    state: 'shut-off',
    withMemory: false,
    current: false,
    vcpus: 1,
  },
  {
    name: 'after-vcpu',
    createdAt: '2026-01-01T00:05:00Z',
    parent: 'base',
    state: 'running',
    withMemory: true,
    current: true,
    vcpus: 2,
  },
];

const task = (kind: Task['kind'], title: string, status: Task['status'] = 'running'): Task => ({
  id: `t-${kind}`,
  kind,
  title,
  ownerId: 'u1',
  status,
  targets: [{ kind: 'vm', hostId: VM.hostId, uuid: VM.uuid, name: VM.name }],
  steps: [],
  log: [],
  startedAt: '2026-01-01T00:10:00Z',
  actions: { cancel: false, resume: false, rollback: false },
});

/** The app's own rules for these entries, so the dialogs are tried behind the real gate. */
const access: AccessRules<Api> = {
  resize: corralAccess.resize,
  snapshots: corralAccess.snapshots,
  checkpoints: corralAccess.checkpoints,
  tasks: { get: corralAccess.tasks.get, onChanged: corralAccess.tasks.onChanged },
  inventory: { snapshot: corralAccess.inventory.snapshot },
  hosts: { list: corralAccess.hosts.list },
};

/** A service that records what it was sent and answers from a small state. */
function service() {
  const calls: Array<{ path: string; input: unknown }> = [];
  const taskEvents = new Emitter<Task>();
  const state = {
    snapshots: [...SNAPSHOTS],
    check: { ok: true, problems: [] } as RevertCheck,
    refuse: undefined as string | undefined,
  };
  const record = (path: string, input: unknown) => calls.push({ path, input });
  const started = (kind: Task['kind'], title: string) => {
    if (state.refuse) throw new CorralError('bad-request', state.refuse);
    return task(kind, title);
  };
  const refused = () => {
    throw new CorralError('conflict', 'not used here');
  };
  const impl: ServiceImpl<Api, object> = {
    resize: {
      vm: (input) => {
        record('resize.vm', input);
        return started('vm-resize', 'Resize web-1');
      },
      cluster: refused,
    },
    snapshots: {
      list: () => state.snapshots,
      create: (input) => {
        record('snapshots.create', input);
        return started('snapshot-create', `Snapshot ${input.name} of web-1`);
      },
      checkRevert: (input) => {
        record('snapshots.checkRevert', input);
        return state.check;
      },
      revert: (input) => {
        record('snapshots.revert', input);
        return started('snapshot-revert', `Revert web-1 to ${input.name}`);
      },
      remove: (input) => {
        record('snapshots.remove', input);
        return started('snapshot-delete', `Delete snapshot ${input.name}`);
      },
    },
    checkpoints: {
      list: () => [],
      create: refused,
      checkRevert: refused,
      revert: refused,
      remove: refused,
    },
    tasks: {
      get: ({ id }) => {
        throw new CorralError('not-found', `no task ${id}`);
      },
      onChanged: (emit) => taskEvents.on(emit),
    },
    inventory: { snapshot: () => ({ hosts: [], vms: [VM] }) },
    hosts: { list: () => [] },
  };
  return { impl, calls, state, fire: (t: Task) => taskEvents.fire(t) };
}

let svc: ReturnType<typeof service>;

function ResizeHarness() {
  const client = useVmOpsClient();
  return (
    <ResizeDialog
      client={client}
      target={{ kind: 'vm', hostId: VM.hostId, uuid: VM.uuid, name: VM.name }}
      current={{
        memoryMiB: 512,
        maxMemoryMiB: 1024,
        vcpus: 1,
        maxVcpus: 2,
        diskGiB: 4,
        running: true,
      }}
      onClose={() => {}}
    />
  );
}

async function render(view: 'snapshots' | 'resize') {
  await renderServedView({
    contract: vmOpsApi,
    impl: svc.impl,
    access,
    view: view === 'snapshots' ? <SnapshotsPanel vm={VM} /> : <ResizeHarness />,
  });
}

beforeEach(() => {
  svc = service();
  useNotifications.getState().clear();
});
afterEach(unmountServedView);

const notices = () => useNotifications.getState().notices.map((n) => n.title);
const errorOf = (label: string) =>
  document
    .getElementById(field(label).getAttribute('aria-describedby') ?? '')
    ?.textContent?.replace(/: error status;$/, '');

/** Opens a snapshot's kebab menu and picks an item. */
const menu = (snapshot: string, item: string) =>
  pickMenuItem(`Actions for snapshot ${snapshot}`, item);

describe('ResizeDialog', () => {
  it('refuses a smaller disk next to the field and sends nothing', async () => {
    await render('resize');
    expect(field('Disk (GiB)').value).toBe('4');
    await type(field('Disk (GiB)'), '2');
    await click(button('Resize'));
    expect(errorOf('Disk (GiB)')).toMatch(/only grows: it has 4 GiB now/);
    expect(svc.calls).toEqual([]);
  });

  it('says which values apply at the next boot and sends only what changed', async () => {
    await render('resize');
    await type(field('vCPUs'), '3');
    expect(text()).toContain('Beyond the maximum of 2: applies at the next boot');
    await type(field('Memory (MiB)'), '768');
    expect(text()).toContain('Applies live, up to the maximum of 1024 MiB');
    await click(button('Resize'));
    await until(() => expect(svc.calls).toHaveLength(1));
    expect(svc.calls[0]).toEqual({
      path: 'resize.vm',
      input: { hostId: VM.hostId, uuid: VM.uuid, memoryMiB: 768, vcpus: 3 },
    });
    await until(() => expect(notices()).toContain('Started: Resize web-1'));
  });

  it('shows the server’s refusal in the dialog', async () => {
    svc.state.refuse = 'the host has only 2 CPUs';
    await render('resize');
    await type(field('vCPUs'), '2');
    await click(button('Resize'));
    await until(() => expect(text()).toContain('the host has only 2 CPUs'));
    expect(text()).toContain('The resize was refused');
  });
});

describe('SnapshotsPanel', () => {
  it('draws the tree with the current snapshot marked in words and the state each holds', async () => {
    await render('snapshots');
    await until(() =>
      expect(document.querySelector('[data-testid="snapshot-base"]')).not.toBeNull(),
    );
    const row = (n: string) => document.querySelector(`[data-testid="snapshot-${n}"]`)!;
    expect(row('after-vcpu').getAttribute('aria-level')).toBe('2');
    expect(row('after-vcpu').textContent).toContain('current');
    expect(row('base').textContent).not.toContain('current');
    expect(row('base').textContent).toContain('shut off, disks only');
    expect(row('after-vcpu').textContent).toContain('running, with memory');
  });

  it('shows the problems checkRevert found and keeps Revert disabled when it cannot go ahead', async () => {
    svc.state.check = {
      ok: false,
      problems: ['base holds 1 vCPU and web-1 has 2 now: the revert would leave it shut off'],
    };
    await render('snapshots');
    await until(() =>
      expect(document.querySelector('[data-testid="snapshot-base"]')).not.toBeNull(),
    );
    await menu('base', 'Revert…');
    await until(() => expect(text()).toContain('The revert cannot go ahead'));
    expect(text()).toContain('the revert would leave it shut off');
    expect(button('Revert').disabled).toBe(true);
    expect(svc.calls.map((c) => c.path)).toEqual(['snapshots.checkRevert']);
  });

  it('asks to acknowledge what a revert loses, then reverts to paused as chosen', async () => {
    svc.state.check = { ok: true, problems: ['changes since after-vcpu are lost'] };
    await render('snapshots');
    await until(() =>
      expect(document.querySelector('[data-testid="snapshot-after-vcpu"]')).not.toBeNull(),
    );
    await menu('after-vcpu', 'Revert…');
    await until(() => expect(text()).toContain('changes since after-vcpu are lost'));
    expect(button('Revert').disabled).toBe(true);
    await click(field('I understand, revert anyway'));
    await click(field('Paused'));
    expect(button('Revert').disabled).toBe(false);
    await click(button('Revert'));
    await until(() => expect(svc.calls.map((c) => c.path)).toContain('snapshots.revert'));
    expect(svc.calls.at(-1)!.input).toEqual({
      hostId: VM.hostId,
      uuid: VM.uuid,
      name: 'after-vcpu',
      startAs: 'paused',
    });
  });

  it('validates a new snapshot’s name, then takes it with memory and reads the tree after the task ends', async () => {
    await render('snapshots');
    await until(() =>
      expect(document.querySelector('[data-testid="snapshot-base"]')).not.toBeNull(),
    );
    await click(button('Take a snapshot of web-1'));
    await type(field('Name'), 'bad name');
    await click(button('Take snapshot'));
    expect(errorOf('Name')).toMatch(/letters, digits, dot, dash and underscore only/);
    await type(field('Name'), 'base');
    await click(button('Take snapshot'));
    expect(errorOf('Name')).toBe('base exists already; choose another name');
    expect(svc.calls).toEqual([]);
    await type(field('Name'), 'before-upgrade');
    await click(button('Take snapshot'));
    await until(() => expect(svc.calls).toHaveLength(1));
    expect(svc.calls[0]!.input).toEqual({
      hostId: VM.hostId,
      uuid: VM.uuid,
      name: 'before-upgrade',
      withMemory: true,
    });

    svc.state.snapshots.push({
      name: 'before-upgrade',
      createdAt: '2026-01-01T00:10:00Z',
      parent: 'after-vcpu',
      state: 'running',
      withMemory: true,
      current: true,
    });
    act(() =>
      svc.fire({
        ...task('snapshot-create', 'Snapshot before-upgrade of web-1', 'succeeded'),
        // A quick task: its end is told here (the Tasks tab's feed tells long ones).
        endedAt: '2026-01-01T00:10:02Z',
      }),
    );
    await until(() =>
      expect(document.querySelector('[data-testid="snapshot-before-upgrade"]')).not.toBeNull(),
    );
    expect(notices()).toContain('Done: Snapshot before-upgrade of web-1');
  });

  it('deletes a snapshot with its descendants when chosen', async () => {
    await render('snapshots');
    await until(() =>
      expect(document.querySelector('[data-testid="snapshot-base"]')).not.toBeNull(),
    );
    await menu('base', 'Delete…');
    expect(text()).toContain('This snapshot and its 1 descendant: after-vcpu');
    await click(field('This snapshot and its 1 descendant: after-vcpu'));
    await click(button('Delete'));
    await until(() => expect(svc.calls).toHaveLength(1));
    expect(svc.calls[0]).toEqual({
      path: 'snapshots.remove',
      input: { hostId: VM.hostId, uuid: VM.uuid, name: 'base', withChildren: true },
    });
  });
});
