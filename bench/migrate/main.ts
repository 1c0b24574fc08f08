/**
 * bench/migrate: one running node (a 1-node cluster made by Corral on lab host 1) migrated live
 * back and forth between the two lab hosts, alternately by Corral (its vm-migrate task through
 * CorralCore's contract: a managed migration over its own connections) and by a reference doing
 * the equivalent by hand with virsh (overlay pre-created on the target, seed copied, a managed
 * `virsh migrate --live --persistent --undefinesource --copy-storage-inc`, source volumes
 * deleted). Same VM, same run, interleaved rounds. Downtime of both from the target's completed
 * job figures (`virsh domjobinfo --completed`).
 * Prints
 *   migrate-live: corral=<s> reference=<s> ratio=<reference/corral, higher is better>
 *   migrate-downtime: corral=<ms> reference=<ms>
 *
 * Run: npm run bench:migrate (root; brings the lab up if it is down and takes it down after).
 * BENCH_ROUNDS (default 3).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ClusterSpec } from '../../api/clusters-api';
import { LAB_BASE_VOLUME } from '../../test/lab/base-image-volumes';
import { cleanLab, until } from '../../test/lab/clusters-support';
import { benchNic, SHAPE } from '../cluster/bench-shape';
import { startCorral } from '../cluster/corral-side';
import { log, sshWrapperEnv, useLab, virshSshUri, waitForGuestRoom } from '../topology/lab-access';
import { median } from '../topology/stats';
import { completedDowntimeMs, referenceMigrate, type ReferenceHost } from './reference-side';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!(ROUNDS >= 1 && ROUNDS <= 10)) throw new Error('BENCH_ROUNDS must be 1..10');
const PREFIX = 'mgbench-';
const CLUSTER = `${PREFIX}vm`;

/** One node on the first lab host, on the slice .185-.186 of the lab segment. */
function spec(userKey: string): z.output<typeof ClusterSpec> {
  return {
    name: CLUSTER,
    nodes: 1,
    ...SHAPE,
    nics: [benchNic(185, 2)],
    image: LAB_BASE_VOLUME,
    placement: { kind: 'round-robin' },
    sshAuthorizedKeys: [userKey],
    console: { kind: 'autologin' },
  };
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

async function main(): Promise<void> {
  const lab = await useLab();
  const { state } = lab;
  const work = mkdtempSync(join(tmpdir(), 'corral-bench-migrate-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  let side: Awaited<ReturnType<typeof startCorral>> | undefined;
  try {
    await cleanLab(state, PREFIX);
    side = await startCorral(state, dataDir);
    const { core, ctx, hostIds } = side;
    await waitForGuestRoom(state, 1);
    const op = await core.clusters.settled(
      (await core.api.clusters.create(spec(state.sshPublicKey), ctx)).id,
    );
    if (op.status !== 'succeeded')
      throw new Error(`corral: cluster ${op.status}: ${op.error ?? ''}`);
    const cluster = await until('the cluster listed', 60_000, async () =>
      (await core.api.clusters.list({}, ctx)).find((c) => c.name === CLUSTER),
    );
    const node = cluster.nodes[0]!;
    const vm = node.name;
    const uuid = node.uuid!;
    const env = sshWrapperEnv(state, work);
    const hosts: ReferenceHost[] = state.hosts.map((h) => ({ uri: virshSshUri(state, h) }));
    let at = hostIds.indexOf(node.hostId);
    log(`${vm} up on ${state.hosts[at]!.name}`);

    const t = { corral: [] as number[], reference: [] as number[] };
    const down = { corral: [] as number[], reference: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      // Corral: from wherever the VM is to the other host.
      let to = 1 - at;
      await until('the inventory to see the VM where it is', 60_000, () =>
        core.inventory.nameOf({ hostId: hostIds[at]!, uuid }),
      );
      const t0 = performance.now();
      const started = await core.api.migration.start(
        { hostId: hostIds[at]!, uuid, targetHostId: hostIds[to]! },
        ctx,
      );
      const task = await core.tasks.settled(started.id);
      if (task.status !== 'succeeded')
        throw new Error(`corral: ${task.status}: ${task.error ?? ''}`);
      t.corral.push((performance.now() - t0) / 1000);
      down.corral.push(await completedDowntimeMs(env, hosts[to]!, vm));
      at = to;

      // The reference: back the other way.
      to = 1 - at;
      t.reference.push(await referenceMigrate(env, vm, hosts[at]!, hosts[to]!));
      down.reference.push(await completedDowntimeMs(env, hosts[to]!, vm));
      at = to;
      log(
        `round ${r + 1}: corral ${fmt(t.corral[r]!)} s (downtime ${down.corral[r]} ms) / ` +
          `reference ${fmt(t.reference[r]!)} s (downtime ${down.reference[r]} ms)`,
      );
    }
    const c = median(t.corral);
    const ref = median(t.reference);
    console.log(
      `migrate-live: corral=${fmt(c)} reference=${fmt(ref)} ratio=${(ref / c).toFixed(2)}`,
    );
    console.log(
      `migrate-downtime: corral=${median(down.corral)} reference=${median(down.reference)}`,
    );
  } finally {
    side?.core.dispose();
    await cleanLab(state, PREFIX).catch((err: unknown) => log(`cleanup: ${String(err)}`));
    rmSync(work, { recursive: true, force: true });
    await lab.release();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
