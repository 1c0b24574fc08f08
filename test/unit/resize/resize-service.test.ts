import { describe, expect, it } from 'vitest';
import type { User } from '../../../api/accounts-api';
import { CorralError } from '../../../api/errors';
import type { HostFacts, Vm } from '../../../api/inventory-api';
import type { Task } from '../../../api/tasks-api';
import type { CallContext } from '../../../core/call-context';
import { ResizeService, type ResizeTasks } from '../../../core/resize/resize-service';
import type { TaskStart } from '../../../core/tasks/task-runner';
import { host, vm } from '../inventory/vm-fixture';

const GiB = 1024 ** 3;
const users: Record<string, User> = {
  alice: { id: 'u-alice', username: 'alice', role: 'user' } as User,
  bob: { id: 'u-bob', username: 'bob', role: 'user' } as User,
  root: { id: 'u-root', username: 'root', role: 'admin' } as User,
};
const ctx = (who: string): CallContext => ({ sessionId: who });

function node(n: number, hostId: string): Vm {
  return vm(hostId, n, {
    name: `web-${n}`,
    state: 'running',
    memoryKiB: 256 * 1024,
    maxMemoryKiB: 512 * 1024,
    maxVcpus: 2,
    disks: [{ target: 'vda', device: 'disk', capacityBytes: 2 * GiB }],
    membership: { cluster: 'web', owner: 'u-alice', index: n },
  });
}

/** The service over a fixed inventory, with an engine that records what it was asked to start. */
function setup(working: Task[] = []) {
  const started: Array<TaskStart<unknown>> = [];
  const tasks: ResizeTasks = {
    start: async <S>(s: TaskStart<S>) => {
      started.push(s as TaskStart<unknown>);
      return { id: `t${started.length}` } as Task;
    },
    settled: async () => ({}) as Task,
    select: (match) => working.filter(match),
  };
  const hosts: HostFacts[] = [host('h1'), host('h2')];
  const service = new ResizeService({
    users: {
      requireUser: (c) => {
        const u = users[c.sessionId];
        if (!u) throw new CorralError('unauthenticated', 'sign in');
        return u;
      },
      requireAdmin: () => users.root!,
      me: (c) => ({ user: users[c.sessionId] ?? null }),
    },
    inventory: { snapshot: () => ({ hosts, vms: [node(0, 'h1'), node(1, 'h2')] }) },
    tasks,
  });
  return { service, started };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof CorralError ? err.code : String(err);
  }
}

const ref = { hostId: 'h1', uuid: node(0, 'h1').uuid };

describe('resize service', () => {
  // Another user's VM or cluster is refused by the contract's gate before this service runs
  // (test/integration/owner-refusals.test.ts covers every resize entry).
  it('refuses a missing cluster and a session without a user, starting nothing', async () => {
    const { service, started } = setup();
    expect(await codeOf(service.cluster({ cluster: 'nope', vcpus: 2 }, ctx('alice')))).toBe(
      'not-found',
    );
    expect(await codeOf(service.vm({ ...ref, vcpus: 2 }, ctx('nobody')))).toBe('unauthenticated');
    expect(started).toEqual([]);
  });

  it('refuses a shrink of any node of a cluster, starting nothing', async () => {
    const { service, started } = setup();
    await expect(service.cluster({ cluster: 'web', diskGiB: 1 }, ctx('alice'))).rejects.toThrow(
      /web-0: disk vda is 2 GiB and cannot shrink to 1 GiB/,
    );
    expect(started).toEqual([]);
  });

  it('starts one task for a cluster: a step per node, the record, and the hostfile for vCPUs', async () => {
    const { service, started } = setup();
    await service.cluster({ cluster: 'web', vcpus: 2, memoryMiB: 384 }, ctx('alice'));
    expect(started).toHaveLength(1);
    const s = started[0]!;
    expect([s.kind, s.ownerId, s.title]).toEqual([
      'cluster-resize',
      'u-alice',
      'Resize cluster web: memory 384 MiB, 2 vCPUs',
    ]);
    expect(s.steps?.map((x) => [x.id, x.detail])).toEqual([
      ['web-0', 'memory 384 MiB live, 2 vCPUs live'],
      ['web-1', 'memory 384 MiB live, 2 vCPUs live'],
      ['record', undefined],
      ['hostfile', undefined],
    ]);
  });

  it('lets the administrator resize anyone’s VM, the task in the administrator’s name', async () => {
    const { service, started } = setup();
    await service.vm({ ...ref, memoryMiB: 1024 }, ctx('root'));
    expect(started[0]!.title).toBe('Resize web-0: memory 1024 MiB at next boot');
    expect(started[0]!.ownerId).toBe('u-root');
  });

  it('refuses a second resize of a VM while one works on it or on its cluster', async () => {
    const working = {
      kind: 'cluster-resize',
      status: 'running',
      title: 'Resize cluster web: 2 vCPUs',
      targets: [{ kind: 'cluster', cluster: 'web' }],
    } as Task;
    const { service, started } = setup([working]);
    await expect(service.vm({ ...ref, memoryMiB: 384 }, ctx('alice'))).rejects.toThrow(
      'web-0 is being resized already (Resize cluster web: 2 vCPUs); let it finish',
    );
    const done = setup([{ ...working, status: 'succeeded' }]);
    await done.service.vm({ ...ref, memoryMiB: 384 }, ctx('alice'));
    expect([started.length, done.started.length]).toEqual([0, 1]);
  });
});
