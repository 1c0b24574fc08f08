import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/clusters-api';
import { CorralError } from '../../api/errors';
import type { Task } from '../../api/tasks-api';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import { coreSession } from '../integration/support/core-session';
import type { ClientConnection } from '../../api/client';
import type { CorralApi } from '../../api/corral-api';
import {
  hostLeftovers,
  labClusterSpec,
  nodeHostKey,
  nodeSsh,
  until,
  waitForRoom,
} from './clusters-support';
import { hostPath, hostVirsh } from './guest';
import { currentLab } from './lab-fixture';
import { createLabCluster, startLabClusters, stopLabClusters } from './lab-cluster-setup';
import type { LabHost, LabState } from './state';

/**
 * One VM's snapshots on the lab, through CorralCore's snapshot service and its tasks, with host truth
 * from virsh: a file written after a snapshot is gone after the revert while one from before
 * stays; a revert to a paused VM; the vCPU trap (a changed definition, a vCPU added live before
 * or after the snapshot) explained and refused before anything changes;
 * a delete with descendants; and deleting the cluster takes the snapshots with it.
 */
const PREFIX = 'h11snap';
const CLUSTER = `${PREFIX}-vm`;
const admin: CallContext = { sessionId: 'h11s-admin' };
const alice: CallContext = { sessionId: 'h11s-alice' };
const bob: CallContext = { sessionId: 'h11s-bob' };
/** Calls as a window would make them, through the contract's gate (it decides whose is what). */
const connections: ClientConnection<CorralApi>[] = [];
const gated = (ctx: CallContext) => coreSession(core, ctx.sessionId, connections);

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
let node: Cluster['nodes'][number];
let host: LabHost;
let hostKey: string;

const ref = () => ({ hostId: node.hostId, uuid: node.uuid! });
const onNode = (script: string) =>
  nodeSsh(lab, dataDir, node.addresses[0]!, hostKey, ['sh', '-c', script]).then((r) =>
    r.stdout.trim(),
  );
const virsh = async (...args: string[]) => (await hostVirsh(host, args)).stdout.trim();
const snapshotNames = async () =>
  (await virsh('snapshot-list', node.name, '--name')).split(/\s+/).filter(Boolean);

async function settled(started: Task | Promise<Task>): Promise<Task> {
  const task = await core.tasks.settled((await started).id);
  if (task.status !== 'succeeded')
    throw new Error(`task ${task.title}: ${task.status} ${task.error ?? ''}`);
  return task;
}

async function code(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'resolved';
  } catch (err) {
    return err instanceof CorralError ? `${err.code}: ${err.message}` : String(err);
  }
}

describe('VM snapshots on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-h11-snapshots-',
      admin: { ctx: admin, username: 'h11sadmin', password: 'admin-password' },
      users: [
        { ctx: alice, username: 'h11salice', password: 'alice-password' },
        { ctx: bob, username: 'h11sbob', password: 'bob-password-1' },
      ],
    }));
    await waitForRoom(lab, 1);
    // Room for one vCPU added live (the vCPU trap).
    const spec = {
      ...labClusterSpec(lab, CLUSTER, 1, { first: '10.213.0.232', last: '10.213.0.233' }),
      maxVcpus: 2,
    };
    await createLabCluster(core, spec, alice);
    const cluster = await until('the cluster listed', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER),
    );
    node = cluster.nodes[0]!;
    host = lab.hosts[hostIds.indexOf(node.hostId)]!;
    hostKey = await nodeHostKey(host, node.name);
  }, 600_000);

  afterAll(async () => {
    for (const c of connections) c.dispose();
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('a file created after a snapshot is gone after revert; a file from before is still there', async () => {
    await onNode('echo kept > /root/before && sync');
    const taken = await settled(
      core.snapshots.create({ ...ref(), name: 's1', description: 'before the change' }, alice),
    );
    expect(taken.steps[0]).toMatchObject({ status: 'done' });
    expect(await snapshotNames()).toEqual(['s1']);
    const [s1] = await core.snapshots.list(ref(), alice);
    expect(s1).toMatchObject({
      name: 's1',
      description: 'before the change',
      state: 'running',
      withMemory: true,
      current: true,
      vcpus: 1,
    });

    await onNode('echo new > /root/after && sync');
    await settled(core.snapshots.revert({ ...ref(), name: 's1' }, alice));
    expect(await virsh('domstate', node.name)).toBe('running');
    expect(await onNode('cat /root/before')).toBe('kept');
    expect(await onNode('test -e /root/after && echo present || echo absent')).toBe('absent');
  }, 300_000);

  it('reverts to a paused VM when asked, and lists the tree with the current one marked', async () => {
    await settled(core.snapshots.create({ ...ref(), name: 's2' }, alice));
    await settled(core.snapshots.revert({ ...ref(), name: 's1', startAs: 'paused' }, alice));
    expect(await virsh('domstate', node.name)).toBe('paused');
    const tree = await core.snapshots.list(ref(), alice);
    expect(tree.map((s) => [s.name, s.parent, s.current])).toEqual([
      ['s1', undefined, true],
      ['s2', 's1', false],
    ]);
    expect(await virsh('snapshot-current', node.name, '--name')).toBe('s1');
    await virsh('resume', node.name);
  }, 300_000);

  it('refuses bad names, taken names and other users before any task', async () => {
    expect(await code(() => core.snapshots.create({ ...ref(), name: 'a b' }, alice))).toMatch(
      /^bad-request/,
    );
    expect(await code(() => core.snapshots.create({ ...ref(), name: 's1' }, alice))).toMatch(
      /^conflict: .*already has a snapshot named s1/,
    );
    expect(await code(() => gated(bob).snapshots.list(ref()))).toMatch(/^not-found/);
    expect(await code(() => gated(bob).snapshots.remove({ ...ref(), name: 's1' }))).toMatch(
      /^not-found/,
    );
    expect((await snapshotNames()).sort()).toEqual(['s1', 's2']);
  }, 60_000);

  it('explains a revert across a vCPU change and refuses it, touching nothing', async () => {
    const current = Number(await virsh('vcpucount', node.name, '--config', '--active'));
    expect(current).toBe(1);
    // The definition changes to 2 vCPUs; s2 holds 1.
    await virsh('setvcpus', node.name, '2', '--config');
    try {
      const check = await core.snapshots.checkRevert({ ...ref(), name: 's2' }, alice);
      expect(check.ok).toBe(false);
      expect(check.problems.join(' ')).toMatch(/holds 1 vCPU .*defined with 2 vCPUs.*shut off/);
      const refused = await code(() => core.snapshots.revert({ ...ref(), name: 's2' }, alice));
      expect(refused).toMatch(/^conflict: .*holds 1 vCPU/);
      expect(await virsh('domstate', node.name)).toBe('running');
      expect(await virsh('snapshot-current', node.name, '--name')).toBe('s1');
    } finally {
      await virsh('setvcpus', node.name, '1', '--config');
    }
    expect((await core.snapshots.checkRevert({ ...ref(), name: 's2' }, alice)).ok).toBe(true);

    // A vCPU added live: the snapshots from before no longer match the running VM...
    await virsh('setvcpus', node.name, '2', '--live');
    const before = await core.snapshots.checkRevert({ ...ref(), name: 's2' }, alice);
    expect(before.problems.join(' ')).toMatch(/holds 1 vCPU .*runs with 2 vCPUs/);
    // ...and one taken after it holds a hot-plugged vCPU, which libvirt cannot restore either.
    await settled(core.snapshots.create({ ...ref(), name: 's3' }, alice));
    const after = await core.snapshots.checkRevert({ ...ref(), name: 's3' }, alice);
    expect(after.problems.join(' ')).toMatch(/after 1 vCPU had been added live/);
    expect(await code(() => core.snapshots.revert({ ...ref(), name: 's3' }, alice))).toMatch(
      /^conflict: .*added live/,
    );
    expect(await virsh('domstate', node.name)).toBe('running');
    expect(await virsh('snapshot-current', node.name, '--name')).toBe('s3');
  }, 180_000);

  it('deletes a snapshot with its descendants', async () => {
    await settled(core.snapshots.remove({ ...ref(), name: 's1', withChildren: true }, alice));
    expect(await snapshotNames()).toEqual([]);
    expect(await core.snapshots.list(ref(), alice)).toEqual([]);
  }, 120_000);

  it('deleting the cluster removes its snapshots with it', async () => {
    await settled(core.snapshots.create({ ...ref(), name: 'last' }, alice));
    expect(await snapshotNames()).toEqual(['last']);
    const metadata = hostPath(host, `/var/lib/libvirt/qemu/snapshot/${node.name}/last.xml`);
    expect(existsSync(metadata)).toBe(true);
    const op = await core.clusters.settled(
      (await core.clusters.remove({ cluster: CLUSTER, confirm: [node.name] })).id,
    );
    expect(op.status).toBe('succeeded');
    // The domain, its qcow2 (which held the snapshot) and libvirt's snapshot metadata are gone.
    expect(await hostLeftovers(host, PREFIX)).toEqual({ domains: [], volumes: [] });
    expect(existsSync(metadata)).toBe(false);
  }, 300_000);
});
