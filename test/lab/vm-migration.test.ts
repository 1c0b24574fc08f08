import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientConnection } from '../../api/client';
import type { Cluster } from '../../api/clusters-api';
import type { CorralApi } from '../../api/corral-api';
import { CorralError } from '../../api/errors';
import type { Task } from '../../api/tasks-api';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';
import { coreSession } from '../integration/support/core-session';
import { LAB_BASE_VOLUME } from './base-image-volumes';
import {
  hostLeftovers,
  labClusterSpec,
  nodeHostKey,
  nodeSsh,
  until,
  waitForRoom,
} from './clusters-support';
import { sleep } from './exec';
import { hostVirsh } from './guest';
import { inHost } from './host-daemons';
import { currentLab } from './lab-fixture';
import { createLabCluster, startLabClusters, stopLabClusters } from './lab-cluster-setup';
import type { LabHost, LabState } from './state';

/**
 * Migration through Corral's contract on one 2-node cluster (a node on each lab host), host truth
 * from virsh and qemu-img: a node counting every 100 ms moves live from host 1 to host 2 without
 * a reboot or a pause in its count, over host 2's own base image; then a migration kept busy by a
 * guest dirtying memory over a slow link is cancelled: the VM runs on where it was, nothing of it
 * is left on the other host, and the task ends `cancelled`; a shut-off node moves offline (its
 * overlay's bytes copied by Corral) and boots on the target.
 */
const PREFIX = 'mglab';
const CLUSTER = `${PREFIX}-c`;
const admin: CallContext = { sessionId: 'mg-admin' };
const alice: CallContext = { sessionId: 'mg-alice' };
const connections: ClientConnection<CorralApi>[] = [];
const gated = (ctx: CallContext) => coreSession(core, ctx.sessionId, connections);

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
let nodes: Cluster['nodes'][number][] = [];
const keys: Record<string, string> = {};

type Node = Cluster['nodes'][number];
const hostOf = (hostId: string): LabHost => lab.hosts[hostIds.indexOf(hostId)]!;
const inNode = async (n: Node, script: string) =>
  (await nodeSsh(lab, dataDir, n.addresses[0]!, keys[n.name]!, ['sh', '-c', script])).stdout.trim();

async function settled(task: Task): Promise<Task> {
  return core.tasks.settled(task.id);
}

/** Domains named `name` on a host (all states), and its state there. */
async function domainsOn(host: LabHost, name: string): Promise<string[]> {
  const { stdout } = await hostVirsh(host, ['list', '--all', '--name']);
  return stdout.split('\n').filter((l) => l.trim() === name);
}

async function stateOn(host: LabHost, name: string): Promise<string> {
  return (await hostVirsh(host, ['domstate', name])).stdout.trim();
}

/** Volumes of the VM (its overlay and seed are named after it) in a host's default pool. */
async function volumesOn(host: LabHost, name: string): Promise<string[]> {
  return (await hostLeftovers(host, name)).volumes;
}

describe('VM migration on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-migration-',
      admin: { ctx: admin, username: 'mgadmin', password: 'admin-password' },
      users: [{ ctx: alice, username: 'mgalice', password: 'alice-password' }],
    }));
    await waitForRoom(lab, 2);
    await createLabCluster(
      core,
      labClusterSpec(lab, CLUSTER, 2, { first: '10.213.0.181', last: '10.213.0.184' }),
      alice,
    );
    const cluster = await until('the cluster with its nodes', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER && c.nodes.length === 2),
    );
    nodes = cluster.nodes;
    expect(new Set(nodes.map((n) => n.hostId)).size).toBe(2);
    for (const n of nodes) keys[n.name] = await nodeHostKey(hostOf(n.hostId), n.name);
  }, 900_000);

  afterAll(async () => {
    for (const c of connections) c.dispose();
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('moves a counting node live from host 1 to host 2: same boot, count goes on, overlay over host 2 base', async () => {
    const [h1, h2] = [lab.hosts[0]!, lab.hosts[1]!];
    const mover = nodes.find((n) => n.hostId === hostIds[0])!;
    const other = nodes.find((n) => n.hostId === hostIds[1])!;
    // A count on the node's disk every 100 ms: a reboot stops it, a long pause shows as a gap.
    await inNode(
      mover,
      "setsid sh -c 'i=0; while :; do i=$((i+1)); echo $i > /root/counter; sleep 0.1; done' " +
        '</dev/null >/dev/null 2>&1 &',
    );
    const bootId = await inNode(mover, 'cat /proc/sys/kernel/random/boot_id');
    await sleep(1_000);
    const before = Number(await inNode(mover, 'cat /root/counter'));
    expect(before).toBeGreaterThan(0);

    const started = await gated(alice).migration.start({
      hostId: mover.hostId,
      uuid: mover.uuid!,
      targetHostId: hostIds[1]!,
    });
    expect(started.kind).toBe('vm-migrate');
    const task = await settled(started);
    expect(task.status, `${task.error} ${JSON.stringify(task.log)}`).toBe('succeeded');
    expect(task.steps.map((s) => [s.id, s.status])).toEqual([
      ['prepare-target', 'done'],
      ['migrating', 'done'],
      ['verify', 'done'],
      ['cleanup-source', 'done'],
    ]);
    console.error(`lab: migrated ${mover.name}: ${task.steps[1]!.detail}`);

    // The same boot, still counting.
    expect(await inNode(mover, 'cat /proc/sys/kernel/random/boot_id')).toBe(bootId);
    const after = Number(await inNode(mover, 'cat /root/counter'));
    expect(after).toBeGreaterThan(before);
    await sleep(1_000);
    expect(Number(await inNode(mover, 'cat /root/counter'))).toBeGreaterThan(after);

    // Exactly one domain, running on host 2; nothing of it left on host 1.
    expect(await domainsOn(h2, mover.name)).toEqual([mover.name]);
    expect(await stateOn(h2, mover.name)).toBe('running');
    expect(await domainsOn(h1, mover.name)).toEqual([]);
    expect(await volumesOn(h1, mover.name)).toEqual([]);

    // Its overlay on host 2 is backed by host 2's own base image.
    const { stdout: xml } = await hostVirsh(h2, ['dumpxml', mover.name]);
    const overlay = /<source file='([^']+\.qcow2)'/.exec(xml)?.[1];
    expect(overlay).toBeDefined();
    const base = (await hostVirsh(h2, ['vol-path', '--pool', 'default', LAB_BASE_VOLUME])).stdout;
    const info = JSON.parse(
      (await inHost(h2.anchorPid, 'qemu-img', ['info', '-U', '--output=json', overlay!])).stdout,
    ) as { 'full-backing-filename'?: string; 'backing-filename'?: string };
    expect(info['full-backing-filename'] ?? info['backing-filename']).toBe(base.trim());

    // The other node still reaches it by name, and finds the same machine.
    expect(
      await inNode(
        other,
        `ssh -o BatchMode=yes -o ConnectTimeout=20 ${mover.name} cat /proc/sys/kernel/random/boot_id`,
      ),
    ).toBe(bootId);
  }, 600_000);

  it('a cancelled migration leaves the VM running where it was and nothing on the target; a second start is refused meanwhile', async () => {
    const mover = nodes.find((n) => n.hostId === hostIds[0])!;
    // After the first test it runs on host 2; it goes back towards host 1 and is cancelled.
    const [from, to] = [lab.hosts[1]!, lab.hosts[0]!];
    const fromId = hostIds[1]!;
    await until('the inventory to see the node on host 2', 60_000, () =>
      core.inventory.nameOf({ hostId: fromId, uuid: mover.uuid! }),
    );
    // Memory dirtied without pause, and a slow link: the migration cannot end on its own soon.
    await inNode(
      mover,
      "setsid sh -c 'while :; do head -c 48000000 /dev/urandom > /dev/shm/dirty; done' " +
        '</dev/null >/dev/null 2>&1 &',
    );
    await hostVirsh(from, ['migrate-setspeed', mover.name, '1']);

    const ref = { hostId: fromId, uuid: mover.uuid!, targetHostId: hostIds[0]! };
    const started = await gated(alice).migration.start(ref);
    await until(
      'the migration job to run',
      120_000,
      () =>
        core.tasks.get(started.id)?.steps.find((s) => s.id === 'migrating')?.status === 'running',
      100,
    );
    // One migration of a VM at a time.
    const second = await gated(alice)
      .migration.start(ref)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(second).toBeInstanceOf(CorralError);
    expect(second).toMatchObject({ code: 'conflict' });
    // Nor to the host it is on.
    const same = await gated(alice)
      .migration.start({ ...ref, targetHostId: fromId })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(same).toMatchObject({ code: 'bad-request' });
    await sleep(2_000); // into the copy
    const cancelAt = Date.now();
    await gated(alice).tasks.cancel({ id: started.id });
    const task = await settled(started);
    console.error(`lab: cancel settled in ${Date.now() - cancelAt} ms`);
    expect(task.status, `${task.error} ${JSON.stringify(task.log)}`).toBe('cancelled');
    // Stopped inside libvirt's migration (its job aborted), not before it began.
    expect(task.steps.find((s) => s.id === 'migrating')?.status).toBe('cancelled');
    expect(task.log.map((l) => l.text)).toContain(
      'Cancel: aborting the migration job on the source',
    );

    expect(await domainsOn(from, mover.name)).toEqual([mover.name]);
    expect(await stateOn(from, mover.name)).toBe('running');
    expect(await domainsOn(to, mover.name)).toEqual([]);
    expect(await volumesOn(to, mover.name)).toEqual([]);
    // Still the same guest, answering.
    expect(Number(await inNode(mover, 'cat /root/counter'))).toBeGreaterThan(0);
  }, 600_000);
  it('moves a shut-off node offline: defined on the target over its base image, boots there, nothing left behind', async () => {
    const [from, to] = [lab.hosts[1]!, lab.hosts[0]!];
    const stay = nodes.find((n) => n.hostId === hostIds[1])!;
    await hostVirsh(from, ['destroy', stay.name]);
    await until('the inventory to see the node shut off', 60_000, () =>
      core.inventory
        .snapshot(CORE_ITSELF)
        .vms.some((v) => v.uuid === stay.uuid && v.hostId === hostIds[1] && v.state === 'shut-off'),
    );
    const task = await settled(
      await gated(alice).migration.start({
        hostId: hostIds[1]!,
        uuid: stay.uuid!,
        targetHostId: hostIds[0]!,
      }),
    );
    expect(task.status, `${task.error} ${JSON.stringify(task.log)}`).toBe('succeeded');
    expect(task.steps.find((s) => s.id === 'migrating')?.detail).toBe('moved offline');

    expect(await domainsOn(from, stay.name)).toEqual([]);
    expect(await volumesOn(from, stay.name)).toEqual([]);
    expect(await domainsOn(to, stay.name)).toEqual([stay.name]);
    expect(await stateOn(to, stay.name)).toBe('shut off');
    const { stdout: xml } = await hostVirsh(to, ['dumpxml', stay.name]);
    const overlay = /<source file='([^']+\.qcow2)'/.exec(xml)![1]!;
    const base = (await hostVirsh(to, ['vol-path', '--pool', 'default', LAB_BASE_VOLUME])).stdout;
    const info = JSON.parse(
      (await inHost(to.anchorPid, 'qemu-img', ['info', '--output=json', overlay])).stdout,
    ) as { 'full-backing-filename'?: string; 'backing-filename'?: string };
    expect(info['full-backing-filename'] ?? info['backing-filename']).toBe(base.trim());
    // The copied overlay is the node's disk: it boots on the target with its own files.
    await hostVirsh(to, ['start', stay.name]);
    const counter = await until(
      'the moved node to answer over SSH',
      180_000,
      () => inNode(stay, 'hostname').catch(() => undefined),
      2_000,
    );
    expect(counter).toBe(stay.name);
  }, 600_000);
});
