/**
 * bench/checkpoint: one 4-node cluster on 2 lab hosts (round robin), checkpointed and reverted by
 * Corral (its checkpoint tasks, through CorralCore's contract) and by a reference doing what a
 * person with virsh at their desk would (virsh over libvirt's SSH transport, as Corral reaches the
 * hosts: suspend, snapshot, resume each node one after another; revert, resume and set the clock
 * each node one after another), same cluster, same run, interleaved rounds.
 * Prints
 *   checkpoint-4x2 create: corral=<s> reference=<s> ratio=<reference/corral, higher is better>
 *   checkpoint-4x2 revert: corral=<s> reference=<s> ratio=<…>
 *   checkpoint-4x2 max-pause: corral=<s> reference=<s>
 * and, on stderr, Corral's slowest single-node snapshot (its longest pause should stay within
 * 1.5x of it).
 *
 * Run: npm run bench:checkpoint (root; brings the lab up if it is down and takes it down after).
 * BENCH_ROUNDS (default 2).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ClusterSpec } from '../../api/clusters-api';
import type { Task } from '../../api/tasks-api';
import { LAB_BASE_VOLUME } from '../../test/lab/base-image-volumes';
import { cleanLab, until } from '../../test/lab/clusters-support';
import { benchNic, SHAPE } from '../cluster/bench-shape';
import { startCorral, type CorralSide } from '../cluster/corral-side';
import { log, sshWrapperEnv, useLab, virshSshUri, waitForGuestRoom } from '../topology/lab-access';
import { median } from '../topology/stats';
import {
  referenceCreate,
  referenceDelete,
  referenceRevert,
  type ReferenceNode,
} from './reference-side';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
if (!(ROUNDS >= 1 && ROUNDS <= 10)) throw new Error('BENCH_ROUNDS must be 1..10');
const PREFIX = 'h11bench-';
const CLUSTER = `${PREFIX}cp`;
const NODES = 4;

/** Round robin over the two lab hosts, on a slice of the lab segment nothing else uses. */
function spec(userKey: string): z.output<typeof ClusterSpec> {
  return {
    name: CLUSTER,
    nodes: NODES,
    ...SHAPE,
    nics: [benchNic(240, 8)],
    image: LAB_BASE_VOLUME,
    placement: { kind: 'round-robin' },
    sshAuthorizedKeys: [userKey],
    console: { kind: 'autologin' },
  };
}

async function succeeded(side: CorralSide, started: Task | Promise<Task>): Promise<Task> {
  const task = await side.core.tasks.settled((await started).id);
  if (task.status !== 'succeeded') {
    throw new Error(`corral: ${task.title}: ${task.status} ${task.error ?? ''}`);
  }
  return task;
}

/** Each node's pause (ms) from its step's detail (`paused 412 ms`). */
function pausesOf(task: Task): number[] {
  return task.steps.map((s) => Number(/^paused (\d+) ms/.exec(s.detail ?? '')?.[1] ?? NaN));
}

/** Each node's snapshot time (ms) from the task's log (`web-0: snapshot taken in 812 ms`). */
function snapshotTimesOf(task: Task): number[] {
  return task.log.flatMap((l) => {
    const m = /: snapshot taken in (\d+) ms$/.exec(l.text);
    return m ? [Number(m[1])] : [];
  });
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const line = (what: string, corral: number, reference: number) =>
  `checkpoint-4x2 ${what}: corral=${fmt(corral)} reference=${fmt(reference)} ratio=${(reference / corral).toFixed(2)}`;

async function main(): Promise<void> {
  const lab = await useLab();
  const { state } = lab;
  const work = mkdtempSync(join(tmpdir(), 'corral-bench-checkpoint-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  let side: CorralSide | undefined;
  try {
    await cleanLab(state, PREFIX);
    side = await startCorral(state, dataDir);
    const { core, ctx } = side;
    await waitForGuestRoom(state, NODES);
    const op = await core.clusters.settled(
      (await core.api.clusters.create(spec(state.sshPublicKey), ctx)).id,
    );
    if (op.status !== 'succeeded')
      throw new Error(`corral: cluster ${op.status}: ${op.error ?? ''}`);
    const cluster = await until('the cluster listed', 60_000, async () =>
      (await core.api.clusters.list({}, ctx)).find(
        (c) => c.name === CLUSTER && c.nodes.length === NODES,
      ),
    );
    const ids = side.hostIds;
    const nodes: ReferenceNode[] = cluster.nodes.map((n) => ({
      name: n.name,
      uri: virshSshUri(state, state.hosts[ids.indexOf(n.hostId)]!),
    }));
    const env = sshWrapperEnv(state, work);
    log(`cluster up: ${cluster.nodes.map((n) => `${n.name}@${n.hostId}`).join(', ')}`);

    const t = {
      create: { corral: [] as number[], reference: [] as number[] },
      revert: { corral: [] as number[], reference: [] as number[] },
      pause: { corral: [] as number[], reference: [] as number[] },
      snapshot: [] as number[],
    };
    for (let r = 0; r < ROUNDS; r++) {
      const name = `corral-${r}`;
      let t0 = performance.now();
      const taken = await succeeded(side, core.checkpoints.create({ cluster: CLUSTER, name }, ctx));
      t.create.corral.push((performance.now() - t0) / 1000);
      t.pause.corral.push(Math.max(...pausesOf(taken)) / 1000);
      t.snapshot.push(Math.max(...snapshotTimesOf(taken)) / 1000);
      t0 = performance.now();
      await succeeded(side, core.checkpoints.revert({ cluster: CLUSTER, name }, ctx));
      t.revert.corral.push((performance.now() - t0) / 1000);
      await succeeded(side, core.checkpoints.remove({ cluster: CLUSTER, name }, ctx));

      const ref = `reference-${r}`;
      const made = await referenceCreate(env, nodes, ref);
      t.create.reference.push(made.seconds);
      t.pause.reference.push(Math.max(...made.pausesMs) / 1000);
      const back = await referenceRevert(env, nodes, ref);
      t.revert.reference.push(back.seconds);
      await referenceDelete(env, nodes, ref);
      log(
        `round ${r + 1}: create corral ${fmt(t.create.corral[r]!)} s / reference ${fmt(made.seconds)} s; ` +
          `revert corral ${fmt(t.revert.corral[r]!)} s / reference ${fmt(back.seconds)} s; ` +
          `longest pause corral ${fmt(t.pause.corral[r]!)} s (slowest snapshot ${fmt(t.snapshot[r]!)} s) / reference ${fmt(t.pause.reference[r]!)} s`,
      );
    }
    console.log(line('create', median(t.create.corral), median(t.create.reference)));
    console.log(line('revert', median(t.revert.corral), median(t.revert.reference)));
    console.log(
      `checkpoint-4x2 max-pause: corral=${fmt(Math.max(...t.pause.corral))} reference=${fmt(Math.max(...t.pause.reference))}`,
    );
    log(
      `corral's longest pause is ${(Math.max(...t.pause.corral) / Math.max(...t.snapshot)).toFixed(2)}x its slowest single-node snapshot`,
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
