// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessRules } from '../../../api/access';
import { CorralError } from '../../../api/errors';
import type { HostFacts, Vm } from '../../../api/inventory-api';
import type { Checkpoint, RevertCheck } from '../../../api/snapshots-api';
import type { Task } from '../../../api/tasks-api';
import type { ServiceImpl } from '../../../api/types';
import { CheckpointsPanel } from '../../../renderer/views/vm-ops/checkpoints-panel';
import { ClusterResizeButton } from '../../../renderer/views/vm-ops/resize-buttons';
import { vmOpsApi } from '../../../renderer/views/vm-ops/vm-ops-client';
import { button, click, field, pickMenuItem, text, type } from '../support/dom-actions';
import { renderServedView, until, unmountServedView } from '../support/served-view';

type Api = typeof vmOpsApi;

const node = (i: number, hostId: string, over: Partial<Vm> = {}): Vm => ({
  hostId,
  uuid: `11111111-2222-3333-4444-00000000000${i}`,
  name: `mpi-${i}`,
  state: 'running',
  stale: false,
  vcpus: 1,
  maxVcpus: 2,
  memoryKiB: 256 * 1024,
  maxMemoryKiB: 512 * 1024,
  disks: [{ target: 'vda', device: 'disk', capacityBytes: 2 * 1024 ** 3 }],
  nics: [],
  membership: { cluster: 'mpi', owner: 'u1', index: i },
  ...over,
});
const host = (hostId: string, cpus: number): HostFacts => ({
  hostId,
  hostname: hostId,
  cpus,
  memoryKiB: 8 * 1024 * 1024,
  freeMemoryKiB: 0,
  cpuPercent: 0,
  libvirtVersion: '9.0.0',
  stale: false,
  updatedAt: '2026-01-01T00:00:00Z',
});

const CHECKPOINT: Checkpoint = {
  name: 'cp1',
  createdAt: '2026-01-01T00:00:00Z',
  nodes: [
    { name: 'mpi-0', hostId: 'h1', uuid: node(0, 'h1').uuid },
    { name: 'mpi-1', hostId: 'h2', uuid: node(1, 'h2').uuid },
  ],
};

const task = (kind: Task['kind'], title: string): Task => ({
  id: `t-${kind}`,
  kind,
  title,
  ownerId: 'u1',
  status: 'running',
  targets: [{ kind: 'cluster', cluster: 'mpi' }],
  steps: [],
  log: [],
  startedAt: '2026-01-01T00:00:00Z',
  actions: { cancel: false, resume: false, rollback: false },
});

const S = 'signed-in' as const;
const access: AccessRules<Api> = {
  resize: { vm: 'owner:vm', cluster: 'owner:cluster' },
  snapshots: { list: S, create: S, checkRevert: S, revert: S, remove: S },
  checkpoints: { list: S, create: S, checkRevert: S, revert: S, remove: S },
  tasks: { get: S, onChanged: S },
  inventory: { snapshot: S },
  hosts: { list: S },
};

function service() {
  const calls: Array<{ path: string; input: unknown }> = [];
  const state = { check: { ok: true, problems: [] } as RevertCheck };
  const record = (path: string, input: unknown) => calls.push({ path, input });
  const refused = () => {
    throw new CorralError('conflict', 'not used here');
  };
  const impl: ServiceImpl<Api, object> = {
    resize: {
      vm: refused,
      cluster: (input) => {
        record('resize.cluster', input);
        return task('cluster-resize', 'Resize cluster mpi');
      },
    },
    snapshots: {
      list: () => [],
      create: refused,
      checkRevert: refused,
      revert: refused,
      remove: refused,
    },
    checkpoints: {
      list: () => [CHECKPOINT],
      create: (input) => {
        record('checkpoints.create', input);
        return task('checkpoint-create', `Checkpoint mpi: ${input.name}`);
      },
      checkRevert: (input) => {
        record('checkpoints.checkRevert', input);
        return state.check;
      },
      revert: (input) => {
        record('checkpoints.revert', input);
        return task('checkpoint-revert', `Revert mpi to ${input.name}`);
      },
      remove: (input) => {
        record('checkpoints.remove', input);
        return task('checkpoint-delete', `Delete checkpoint ${input.name} of mpi`);
      },
    },
    tasks: {
      get: ({ id }) => {
        throw new CorralError('not-found', `no task ${id}`);
      },
      onChanged: () => ({ dispose() {} }),
    },
    inventory: {
      snapshot: () => ({
        hosts: [host('h1', 4), host('h2', 2)],
        vms: [
          node(1, 'h2', { maxVcpus: 4 }),
          node(0, 'h1'),
          { ...node(5, 'h1'), membership: undefined },
        ],
      }),
    },
    hosts: { list: () => [] },
  };
  return { impl, calls, state };
}

let svc: ReturnType<typeof service>;
beforeEach(() => {
  svc = service();
});
afterEach(unmountServedView);

const render = (view: 'resize' | 'checkpoints') =>
  renderServedView({
    contract: vmOpsApi,
    impl: svc.impl,
    access,
    view:
      view === 'resize' ? (
        <ClusterResizeButton cluster="mpi" busy={false} />
      ) : (
        <CheckpointsPanel cluster="mpi" busy={false} />
      ),
  });

const menu = (item: string) => pickMenuItem('Actions for checkpoint cp1', item);

describe('Resize nodes of a cluster', () => {
  it('prefills from the nodes (host truth), holds every node to the smallest ceiling, resizes them all', async () => {
    await render('resize');
    await click(button('Resize nodes of mpi'));
    await until(() => expect(field('Memory (MiB)').value).toBe('256'));
    expect(field('vCPUs').value).toBe('1');
    expect(field('Disk (GiB)').value).toBe('2');
    // Node 0 can reach 2 vCPUs live and node 1 four: 3 is beyond what every node takes live.
    await type(field('vCPUs'), '3');
    expect(text()).toContain('Beyond the maximum of 2: applies at the next boot');
    // Node 1's host has 2 CPUs: no node gets more than its host.
    await click(button('Resize'));
    expect(text()).toContain('the host has only 2 CPUs');
    expect(svc.calls).toEqual([]);
    await type(field('vCPUs'), '2');
    await click(button('Resize'));
    await until(() => expect(svc.calls).toHaveLength(1));
    expect(svc.calls[0]).toEqual({ path: 'resize.cluster', input: { cluster: 'mpi', vcpus: 2 } });
  });
});

describe('CheckpointsPanel', () => {
  it('lists the checkpoints once opened, with every node they hold', async () => {
    await render('checkpoints');
    expect(document.querySelector('[data-testid="checkpoint-cp1"]')).toBeNull();
    await click(button('Checkpoints of mpi'));
    await until(() =>
      expect(document.querySelector('[data-testid="checkpoint-cp1"]')?.textContent).toContain(
        'mpi-0, mpi-1',
      ),
    );
  });

  it('creates one with a checked name, reverts only after the check, deletes one', async () => {
    await render('checkpoints');
    await click(button('Checkpoints of mpi'));
    await until(() =>
      expect(document.querySelector('[data-testid="checkpoint-cp1"]')).not.toBeNull(),
    );

    await click(button('Create a checkpoint of mpi'));
    await type(field('Name'), 'cp1');
    await click(button('Create checkpoint'));
    expect(text()).toContain('cp1 exists already');
    await type(field('Name'), 'cp2');
    await click(button('Create checkpoint'));
    await until(() => expect(svc.calls.map((c) => c.path)).toEqual(['checkpoints.create']));
    expect(svc.calls[0]!.input).toEqual({ cluster: 'mpi', name: 'cp2' });

    svc.state.check = {
      ok: false,
      problems: ['mpi-1 is shut off: a checkpoint reverts running nodes'],
    };
    await menu('Revert…');
    await until(() => expect(text()).toContain('mpi-1 is shut off'));
    expect(button('Revert').disabled).toBe(true);
    await click(button('Cancel'));

    await menu('Delete…');
    expect(text()).toContain('removed from every node of mpi');
    await click(button('Delete'));
    await until(() => expect(svc.calls.map((c) => c.path)).toContain('checkpoints.remove'));
    expect(svc.calls.map((c) => c.path)).toEqual([
      'checkpoints.create',
      'checkpoints.checkRevert',
      'checkpoints.remove',
    ]);
  });
});
