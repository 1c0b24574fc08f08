import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../api/clusters-api';
import { CorralError } from '../../api/errors';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import type { ClientConnection } from '../../api/client';
import type { CorralApi } from '../../api/corral-api';
import { coreSession } from '../integration/support/core-session';
import {
  hostLeftovers,
  labClusterSpec,
  nodeHostKey,
  nodeSsh as labNodeSsh,
  until,
  waitForRoom,
} from './clusters-support';
import { run } from './exec';
import { currentLab } from './lab-fixture';
import { startLabClusters, stopLabClusters } from './lab-cluster-setup';
import { labMpirunArgv } from './mpirun-argv';
import type { LabState } from './state';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';

/**
 * Clusters on the lab, through CorralCore: user A builds a 4-node cluster round robin over two
 * hosts, every node answers SSH and reaches the others by name without a password; user B can
 * neither see it nor act on it; A adds a fifth node first fit and MPI runs on all five; A deletes
 * it and virsh on both hosts shows none of it. At most 5 of our guests live at once.
 */
const PREFIX = 'h10lab';
const CLUSTER = `${PREFIX}-rr`;
const admin: CallContext = { sessionId: 'h10-admin' };
const alice: CallContext = { sessionId: 'h10-alice' };
const bob: CallContext = { sessionId: 'h10-bob' };

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
const connections: ClientConnection<CorralApi>[] = [];

// An address range of our own on the lab segment (other tests' guests use .100 upwards).
const spec = (lab: LabState): ClusterSpec =>
  labClusterSpec(lab, CLUSTER, 4, { first: '10.213.0.180', last: '10.213.0.199' });

/** ssh to a node as root with the lab key, trusting only the host key from its metadata. */
const nodeSsh = (address: string, hostKey: string, argv: string[]) =>
  labNodeSsh(lab, dataDir, address, hostKey, argv);

async function code(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'resolved';
  } catch (err) {
    return err instanceof CorralError ? err.code : String(err);
  }
}

describe('clusters on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-h10-clusters-',
      admin: { ctx: admin, username: 'h10admin', password: 'admin-password' },
      users: [
        { ctx: alice, username: 'h10alice', password: 'alice-password' },
        { ctx: bob, username: 'h10bob', password: 'bob-password-1' },
      ],
    }));
  }, 120_000);

  afterAll(async () => {
    for (const c of connections) c.dispose();
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('refuses bad input with a clear error and creates nothing', async () => {
    const good = spec(lab);
    expect(await code(() => core.clusters.create({ ...good, name: 'a<b' }, alice))).toBe(
      'bad-request',
    );
    expect(await code(() => core.clusters.create({ ...good, name: 'x/y' }, alice))).toBe(
      'bad-request',
    );
    // More than the hosts hold: refused by placement, before anything is made.
    const tooBig = core.clusters.create({ ...good, nodes: 64, memoryMiB: 64 * 1024 }, alice);
    await expect(tooBig).rejects.toThrow(/fit/);
    expect(await code(() => core.clusters.preview(good, { sessionId: 'nobody' }))).toBe(
      'unauthenticated',
    );
    for (const h of lab.hosts) {
      expect(await hostLeftovers(h, PREFIX)).toEqual({ domains: [], volumes: [] });
    }
  });

  it('creates 4 nodes round robin; each answers SSH and reaches the others by name', async () => {
    const preview = await core.clusters.preview(spec(lab), alice);
    expect(preview.nodes.map((n) => n.hostId)).toEqual([
      hostIds[0],
      hostIds[1],
      hostIds[0],
      hostIds[1],
    ]);
    await waitForRoom(lab, 4);
    const t0 = Date.now();
    const started = await core.clusters.create(spec(lab), alice);
    expect(started.status).toBe('running');
    const op = await core.clusters.settled(started.id);
    console.error(`clusters: 4-node creation took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(op.error).toBeUndefined();
    expect(op.status).toBe('succeeded');
    expect(op.nodes.map((n) => n.phase)).toEqual(['ready', 'ready', 'ready', 'ready']);
    // Round robin: consecutive nodes on different hosts, both hosts used.
    const hosts = op.nodes.map((n) => n.hostId);
    for (let i = 1; i < hosts.length; i++) expect(hosts[i]).not.toBe(hosts[i - 1]);
    expect(new Set(hosts).size).toBe(2);

    const cluster = await until('the cluster in A’s list', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER && c.nodes.length === 4),
    );
    // Host truth: each node is defined and running where the operation said.
    for (const node of cluster.nodes) {
      const host = lab.hosts[hostIds.indexOf(node.hostId)]!;
      const { stdout } = await run('nsenter', [
        '-t',
        String(host.anchorPid),
        '-m',
        '-u',
        '-n',
        '--',
        'virsh',
        '-q',
        '-c',
        'qemu:///system',
        'domstate',
        node.name,
      ]);
      expect(stdout.trim()).toBe('running');
    }
    const first = cluster.nodes[0]!;
    const firstHost = lab.hosts[hostIds.indexOf(first.hostId)]!;
    const key = await nodeHostKey(firstHost, first.name);
    for (const other of cluster.nodes.slice(1)) {
      // From node 0 to each other node by name, with the cluster key and the seeded known_hosts.
      const { stdout } = await nodeSsh(first.addresses[0]!, key, [
        'ssh',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        other.name,
        'hostname',
      ]);
      expect(stdout.trim()).toBe(other.name);
    }
  }, 900_000);

  it("keeps A's cluster from B: not listed, and every operation on it refused", async () => {
    // Through the contract, as B's window would call: its gate decides who owns what.
    const bobApi = coreSession(core, bob.sessionId, connections);
    expect((await core.clusters.list(bob)).map((c) => c.name)).not.toContain(CLUSTER);
    const mine = (await core.clusters.list(alice)).find((c) => c.name === CLUSTER)!;
    const names = mine.nodes.map((n) => n.name);
    expect(await code(() => bobApi.clusters.remove({ cluster: CLUSTER, confirm: names }))).toBe(
      'not-found',
    );
    expect(
      await code(() =>
        bobApi.clusters.addNodes({
          cluster: CLUSTER,
          count: 1,
          placement: { kind: 'first-fit' },
        }),
      ),
    ).toBe('not-found');
    const node = mine.nodes[0]!;
    expect(
      await code(() =>
        bobApi.vm.act({ hostId: node.hostId, uuid: node.uuid!, action: 'force-off' }),
      ),
    ).toBe('not-found');
    expect((await core.clusters.listOperations(bob)).map((o) => o.cluster)).not.toContain(CLUSTER);
    // Nothing happened to the cluster.
    expect((await core.clusters.list(alice)).find((c) => c.name === CLUSTER)?.nodes).toHaveLength(
      4,
    );
  });

  it('adds a fifth node first fit; mpirun -np 5 over the hostfile lists all five', async () => {
    await waitForRoom(lab, 1);
    const started = await core.clusters.addNodes(
      { cluster: CLUSTER, count: 1, placement: { kind: 'first-fit' } },
      alice,
    );
    const op = await core.clusters.settled(started.id);
    expect(op.error).toBeUndefined();
    expect(op.status).toBe('succeeded');
    expect(op.nodes).toHaveLength(1);
    expect(op.nodes[0]!.name).toBe(`${CLUSTER}-4`);
    // First fit fills the first host in order while it has room.
    expect(op.nodes[0]!.hostId).toBe(hostIds[0]);

    const cluster = await until('five nodes listed', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER && c.nodes.length === 5),
    );
    const first = cluster.nodes[0]!;
    const key = await nodeHostKey(lab.hosts[hostIds.indexOf(first.hostId)]!, first.name);
    const { stdout } = await nodeSsh(
      first.addresses[0]!,
      key,
      labMpirunArgv(['--hostfile', '/etc/corral/hostfile'], 5, ['hostname']),
    );
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `${CLUSTER}-${i}`),
    );
  }, 900_000);

  it("shows each node's seeded address in the inventory (no guest agent, no DHCP here)", async () => {
    const cluster = (await core.clusters.list(alice)).find((c) => c.name === CLUSTER)!;
    for (const node of cluster.nodes) {
      const vm = await until(`${node.name}'s address in the inventory`, 30_000, () =>
        core.inventory
          .snapshot(CORE_ITSELF)
          .vms.find((v) => v.name === node.name && v.nics[0]?.addresses.length),
      );
      expect(vm.nics[0]!.addresses).toEqual([`${node.addresses[0]}/24`]);
    }
  });

  it('deletes the cluster after a confirmation naming its domains; nothing is left', async () => {
    const cluster = (await core.clusters.list(alice)).find((c) => c.name === CLUSTER)!;
    const names = cluster.nodes.map((n) => n.name);
    expect(
      await code(() => core.clusters.remove({ cluster: CLUSTER, confirm: names.slice(1) })),
    ).toBe('bad-request');
    const started = await core.clusters.remove({ cluster: CLUSTER, confirm: names });
    const op = await core.clusters.settled(started.id);
    expect(op.error).toBeUndefined();
    expect(op.status).toBe('succeeded');
    for (const h of lab.hosts) {
      expect(await hostLeftovers(h, CLUSTER)).toEqual({ domains: [], volumes: [] });
    }
    await until('the cluster gone from the list', 30_000, async () =>
      (await core.clusters.list(alice)).every((c) => c.name !== CLUSTER),
    );
  }, 300_000);
});
