import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/clusters-api';
import type { Task } from '../../api/tasks-api';
import type { CallContext } from '../../core/call-context';
import { HOSTFILE_PATH } from '../../core/clusters/cluster-naming';
import type { CorralCore } from '../../core/corral-core';
import { labClusterSpec, nodeHostKey, nodeSsh, until, waitForRoom } from './clusters-support';
import { sleep } from './exec';
import { hostVirsh } from './guest';
import { currentLab } from './lab-fixture';
import { createLabCluster, startLabClusters, stopLabClusters } from './lab-cluster-setup';
import { setHostLink } from './link-control';
import { labMpirunArgv } from './mpirun-argv';
import type { LabHost, LabState } from './state';

/**
 * Cluster checkpoints on the lab, through CorralCore's checkpoint service and its tasks, on one 3-node
 * cluster over 2 hosts, with host truth from virsh: marker files, a checkpoint, the markers
 * removed, a revert, and the markers are back on every node, the clocks are right and
 * `mpirun -np 3 hostname` over the hostfile lists all three; a host link cut while the nodes are
 * being snapshotted leaves no checkpoint on any node.
 */
const PREFIX = 'h11cp';
const CLUSTER = `${PREFIX}-mpi`;
const admin: CallContext = { sessionId: 'h11c-admin' };
const alice: CallContext = { sessionId: 'h11c-alice' };

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
let nodes: Cluster['nodes'][number][] = [];
const hostKeys = new Map<string, string>();

const hostOf = (n: Cluster['nodes'][number]): LabHost => lab.hosts[hostIds.indexOf(n.hostId)]!;
const onNode = (n: Cluster['nodes'][number], argv: string[]) =>
  nodeSsh(lab, dataDir, n.addresses[0]!, hostKeys.get(n.name)!, argv).then((r) => r.stdout.trim());
const sh = (n: Cluster['nodes'][number], script: string) => onNode(n, ['sh', '-c', script]);

/** The snapshot names of a node, and its state, as virsh on its host says. */
async function hostTruth(
  n: Cluster['nodes'][number],
): Promise<{ snapshots: string[]; state: string }> {
  const list = await hostVirsh(hostOf(n), ['snapshot-list', n.name, '--name']);
  const state = await hostVirsh(hostOf(n), ['domstate', n.name]);
  return { snapshots: list.stdout.split(/\s+/).filter(Boolean), state: state.stdout.trim() };
}

async function succeeded(started: Task | Promise<Task>): Promise<Task> {
  const task = await core.tasks.settled((await started).id);
  if (task.status !== 'succeeded')
    throw new Error(`${task.title}: ${task.status} ${task.error ?? ''}`);
  return task;
}

describe('cluster checkpoints on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-h11-checkpoints-',
      admin: { ctx: admin, username: 'h11cadmin', password: 'admin-password' },
      users: [{ ctx: alice, username: 'h11calice', password: 'alice-password' }],
    }));
    await waitForRoom(lab, 3);
    const spec = labClusterSpec(lab, CLUSTER, 3, { first: '10.213.0.234', last: '10.213.0.237' });
    await createLabCluster(core, spec, alice);
    const cluster = await until('the cluster listed with 3 nodes', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER && c.nodes.length === 3),
    );
    nodes = cluster.nodes;
    expect(new Set(nodes.map((n) => n.hostId)).size).toBe(2);
    for (const n of nodes) hostKeys.set(n.name, await nodeHostKey(hostOf(n), n.name));
  }, 900_000);

  afterAll(async () => {
    if (lab) for (const h of lab.hosts) await setHostLink(h, true).catch(() => undefined);
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('checkpoint, markers removed, revert: markers back on every node, clocks right, mpirun lists three', async () => {
    for (const n of nodes) await sh(n, 'hostname > /root/marker && sync');
    const taken = await succeeded(
      core.checkpoints.create({ cluster: CLUSTER, name: 'cp1' }, alice),
    );
    const takenAt = Date.now();
    // Each node's pause time is its step's detail.
    expect(taken.steps.map((s) => s.id).sort()).toEqual(nodes.map((n) => n.name).sort());
    for (const s of taken.steps)
      expect(s).toMatchObject({ status: 'done', detail: expect.stringMatching(/^paused \d+ ms$/) });
    for (const n of nodes)
      expect(await hostTruth(n)).toEqual({ snapshots: ['cp1'], state: 'running' });
    const listed = await core.checkpoints.list({ cluster: CLUSTER }, alice);
    expect(listed.map((c) => [c.name, c.nodes.length])).toEqual([['cp1', 3]]);

    for (const n of nodes) await sh(n, 'rm -f /root/marker && sync');
    for (const n of nodes)
      expect(await sh(n, 'test -e /root/marker && echo present || echo absent')).toBe('absent');
    // Long enough that a guest clock left at the checkpoint's moment would show it.
    await sleep(Math.max(0, 45_000 - (Date.now() - takenAt)));
    expect(await core.checkpoints.checkRevert({ cluster: CLUSTER, name: 'cp1' }, alice)).toEqual({
      ok: true,
      problems: [],
    });
    const reverted = await succeeded(
      core.checkpoints.revert({ cluster: CLUSTER, name: 'cp1' }, alice),
    );
    for (const s of reverted.steps)
      expect(s).toMatchObject({ status: 'done', detail: expect.stringMatching(/^paused \d+ ms$/) });

    for (const n of nodes) {
      expect(await hostTruth(n)).toEqual({ snapshots: ['cp1'], state: 'running' });
      expect(await sh(n, 'cat /root/marker')).toBe(n.name);
      const skew = Math.abs(Number(await sh(n, 'date +%s')) - Date.now() / 1000);
      expect(skew, `${n.name}'s clock is off by ${skew.toFixed(0)} s`).toBeLessThan(15);
    }
    // By name over the hostfile, from the first node to all three.
    const ranks = await onNode(
      nodes[0]!,
      labMpirunArgv(['--hostfile', HOSTFILE_PATH], 3, ['hostname']),
    );
    expect(
      ranks
        .split('\n')
        .map((l) => l.trim())
        .sort(),
    ).toEqual(nodes.map((n) => n.name).sort());
  }, 600_000);

  it('a host link cut during a checkpoint leaves no checkpoint on any node', async () => {
    const cutHost = lab.hosts[1]!;
    const cutId = hostIds[1]!;
    let cut: Promise<void> | undefined;
    const watch = core.tasks.onChanged((task) => {
      // The moment the nodes are being snapshotted, the second host loses its link.
      if (
        !cut &&
        task.kind === 'checkpoint-create' &&
        task.steps.some((s) => s.detail === 'snapshotting')
      ) {
        cut = setHostLink(cutHost, false);
      }
    });
    let task: Task;
    try {
      const started = await core.checkpoints.create({ cluster: CLUSTER, name: 'cp-cut' }, alice);
      // Keep the link down until Corral has noticed the loss and is cleaning up.
      await until('the checkpoint to fail on the cut host', 300_000, () => {
        const t = core.tasks.get(started.id);
        return t && (t.status !== 'running' || t.steps.some((s) => s.status === 'failed'));
      });
      expect(cut).toBeDefined();
      await cut;
      await setHostLink(cutHost, true);
      task = await core.tasks.settled(started.id);
    } finally {
      watch.dispose();
      await setHostLink(cutHost, true);
    }
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/removed from every node/);
    // Host truth on both hosts: no node has the checkpoint, and none is left paused.
    for (const n of nodes)
      expect(await hostTruth(n)).toEqual({ snapshots: ['cp1'], state: 'running' });
    expect((await core.checkpoints.list({ cluster: CLUSTER }, alice)).map((c) => c.name)).toEqual([
      'cp1',
    ]);
    await until('the cut host online again', 180_000, () =>
      core.hosts.list().find((h) => h.id === cutId && h.status.state === 'online'),
    );
  }, 900_000);

  it('deleting a checkpoint removes it from every node', async () => {
    await until('every node seen again', 120_000, async () => {
      try {
        return (await core.checkpoints.list({ cluster: CLUSTER }, alice)).length === 1;
      } catch {
        return false;
      }
    });
    await succeeded(core.checkpoints.remove({ cluster: CLUSTER, name: 'cp1' }, alice));
    for (const n of nodes) expect((await hostTruth(n)).snapshots).toEqual([]);
  }, 300_000);
});
