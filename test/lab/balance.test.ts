import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientConnection } from '../../api/client';
import type { Cluster } from '../../api/clusters-api';
import type { CorralApi } from '../../api/corral-api';
import type { BalancePlan, BalancePolicy } from '../../api/migration-api';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';
import { coreSession } from '../integration/support/core-session';
import { labClusterSpec, nodeHostKey, nodeSsh, until, waitForRoom } from './clusters-support';
import { hostVirsh } from './guest';
import { currentLab } from './lab-fixture';
import { createLabCluster, startLabClusters, stopLabClusters } from './lab-cluster-setup';
import type { LabHost, LabState } from './state';

/**
 * Balancing on real load: a 2-node cluster placed first fit, so both nodes share one lab host;
 * both run a busy loop; the balancer, judging the hosts by their guests' load over a short
 * window, moves one node to the other host, and applying the plan migrates it for real.
 */
const PREFIX = 'balab';
const CLUSTER = `${PREFIX}-c`;
const WINDOW_SECONDS = 20;
const admin: CallContext = { sessionId: 'bal-admin' };
const alice: CallContext = { sessionId: 'bal-alice' };
const connections: ClientConnection<CorralApi>[] = [];
const gated = (ctx: CallContext) => coreSession(core, ctx.sessionId, connections);

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
let cluster: Cluster;
let sourceHostId: string;
let plan: BalancePlan;

function hostOf(hostId: string): LabHost {
  return lab.hosts[hostIds.indexOf(hostId)]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Thresholds the measured load crosses: the shared host's guests' load over high, the other
 * host under low, and room under high for one busy node. Read from a first preview that moves
 * nothing, since how much CPU a busy guest gets depends on what else this machine runs.
 */
async function thresholdsFromLoad(): Promise<Partial<BalancePolicy>> {
  const probe = await gated(admin).balance.preview({
    windowSeconds: WINDOW_SECONDS,
    cpuHighPercent: 100,
    cpuLowPercent: 99,
  });
  const source = probe.before.hosts.find((h) => h.hostId === sourceHostId)!;
  const other = probe.before.hosts.find((h) => h.hostId !== sourceHostId)!;
  // Two busy 1-vCPU guests on a 2-CPU host: each is about half of the source's load.
  expect(source.cpuPercent, 'the busy nodes load their host').toBeGreaterThan(
    other.cpuPercent + 10,
  );
  const high = Math.round(source.cpuPercent * 0.75 * 10) / 10;
  const low = Math.round(((high + other.cpuPercent) / 2) * 10) / 10;
  return { cpuHighPercent: high, cpuLowPercent: low };
}

describe('balancing on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-balance-',
      admin: { ctx: admin, username: 'baladmin', password: 'admin-password' },
      users: [{ ctx: alice, username: 'balalice', password: 'alice-password' }],
    }));
    await waitForRoom(lab, 2);
    await createLabCluster(
      core,
      {
        ...labClusterSpec(lab, CLUSTER, 2, { first: '10.213.0.195', last: '10.213.0.198' }),
        placement: { kind: 'first-fit' },
      },
      alice,
    );
    cluster = await until('the cluster with its nodes', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER && c.nodes.length === 2),
    );
    sourceHostId = cluster.nodes[0]!.hostId;
    expect(cluster.nodes.map((n) => n.hostId)).toEqual([sourceHostId, sourceHostId]);
    // Busy loops, detached so the SSH session ends at once.
    for (const n of cluster.nodes) {
      const key = await nodeHostKey(hostOf(n.hostId), n.name);
      await nodeSsh(lab, dataDir, n.addresses[0]!, key, [
        'sh',
        '-c',
        'while :; do :; done >/dev/null 2>&1 </dev/null &',
      ]);
    }
    // A whole window of busy samples.
    await sleep((WINDOW_SECONDS + 5) * 1000);
  }, 900_000);

  afterAll(async () => {
    for (const c of connections) c.dispose();
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('is for the administrator only', async () => {
    await expect(gated(alice).balance.preview({})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(gated(alice).balance.setAuto({ enabled: true })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('previews moving one busy node off the host both nodes share, with its reason', async () => {
    const policy = { windowSeconds: WINDOW_SECONDS, ...(await thresholdsFromLoad()) };
    plan = await gated(admin).balance.preview(policy);
    const mine = new Set(cluster.nodes.map((n) => n.uuid));
    // Other tests may run guests on the lab hosts: only a plan of our own node is applied.
    expect(plan.moves.map((m) => mine.has(m.vm.uuid))).toEqual([true]);
    const [move] = plan.moves;
    const [source, target] = [
      hostOf(sourceHostId),
      lab.hosts.find((h) => hostOf(sourceHostId) !== h)!,
    ];
    expect(move!.fromHostId).toBe(sourceHostId);
    expect(move!.toHostId).toBe(hostIds[lab.hosts.indexOf(target)]);
    expect(move!.reason).toMatch(
      new RegExp(
        `^${source.name} CPU \\d+% over \\d+% for ${WINDOW_SECONDS} s: ` +
          `move ${move!.vm.name} \\(\\d+% of the host\\) to ${target.name} \\(CPU \\d+%\\)$`,
      ),
    );
    expect(plan.after.imbalance).toBeLessThan(plan.before.imbalance);
  });

  it('applies the plan as one task: the node runs on the other host, as virsh on both shows', async () => {
    const move = plan.moves[0]!;
    const task = await gated(admin).balance.apply({ planId: plan.planId });
    expect(task.kind).toBe('balance');
    const done = await core.tasks.settled(task.id);
    expect(done.status, `${done.error ?? ''} ${JSON.stringify(done.steps)}`).toBe('succeeded');
    expect(done.steps.map((s) => s.status)).toEqual(['done']);
    const target = hostOf(move.toHostId);
    const source = hostOf(move.fromHostId);
    expect((await hostVirsh(target, ['domstate', move.vm.name])).stdout.trim()).toBe('running');
    const left = (await hostVirsh(source, ['list', '--all', '--name'])).stdout;
    expect(left.split('\n').map((l) => l.trim())).not.toContain(move.vm.name);
    // The inventory follows: the same VM (its UUID) on the target host.
    await until('the inventory to show the node on its new host', 30_000, () =>
      core.inventory
        .snapshot(CORE_ITSELF)
        .vms.some((v) => v.uuid === move.vm.uuid && v.hostId === move.toHostId),
    );
    // A used plan is gone.
    await expect(gated(admin).balance.apply({ planId: plan.planId })).rejects.toMatchObject({
      code: 'not-found',
    });
  });
});
