/**
 * bench/cluster: a 4-node cluster on 2 lab hosts created by Corral (ClusterService
 * through CorralCore's contract, round robin), against the same four nodes made by a plain
 * script (bench/cluster/reference.sh: qemu-img overlays, genisoimage seeds, virsh define + start,
 * wait for the SSH banner; all in parallel) on the same hosts, same run, interleaved rounds.
 * Everything is deleted after each side. Prints
 * `cluster-4x2: corral=<s> reference=<s> ratio=<reference/corral, higher is better>` and the
 * storage a new node takes (overlay + seed, allocated bytes on the host).
 *
 * Run: npm run bench:cluster (root; brings the lab up if it is down and takes it down after).
 * BENCH_ROUNDS (default 2: each round boots 8 TCG guests, 4 at a time).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabState } from '../../test/lab/state';
import { hostPath, hostVirsh } from '../../test/lab/guest';
import { log, useLab, waitForGuestRoom } from '../topology/lab-access';
import { median, timeLine } from '../topology/stats';
import { BENCH_PREFIX, IMAGES_DIR, MAX_ROUNDS, NODES } from './bench-shape';
import {
  createCorralCluster,
  deleteCorralCluster,
  placementOf,
  startCorral,
  type CorralSide,
  type NodeStorage,
} from './corral-side';
import {
  prepareReference,
  referenceStorage,
  removeReference,
  runReference,
} from './reference-side';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
if (!(ROUNDS >= 1 && ROUNDS <= MAX_ROUNDS))
  throw new Error(`BENCH_ROUNDS must be 1..${MAX_ROUNDS} (Corral's address slice)`);
const MiB = 1024 * 1024;

/** Removes anything named `h7bench-…` from the lab hosts (an earlier run that died). */
async function removeBenchLeftovers(state: LabState): Promise<void> {
  for (const h of state.hosts) {
    const doms = (await hostVirsh(h, ['list', '--all', '--name'])).stdout.split('\n');
    for (const d of doms.map((x) => x.trim()).filter((x) => x.startsWith(BENCH_PREFIX))) {
      await hostVirsh(h, ['destroy', d]).catch(() => undefined);
      await hostVirsh(h, ['undefine', d]).catch(() => undefined);
    }
    await hostVirsh(h, ['pool-refresh', 'default']);
    const vols = (await hostVirsh(h, ['vol-list', 'default'])).stdout.split('\n');
    for (const v of vols.map((l) => l.trim().split(/\s+/)[0] ?? '')) {
      if (v.startsWith(BENCH_PREFIX)) rmSync(hostPath(h, `${IMAGES_DIR}/${v}`), { force: true });
    }
    await hostVirsh(h, ['pool-refresh', 'default']);
  }
}

function storageText(all: NodeStorage[]): string {
  const avg = (f: (s: NodeStorage) => number) => all.reduce((a, s) => a + f(s), 0) / all.length;
  const overlay = avg((s) => s.overlay) / MiB;
  const seed = avg((s) => s.seed) / MiB;
  return `${(overlay + seed).toFixed(2)} MiB (overlay ${overlay.toFixed(2)} + seed ${seed.toFixed(2)})`;
}

async function main(): Promise<void> {
  const lab = await useLab();
  const { state } = lab;
  const work = mkdtempSync(join(tmpdir(), 'corral-bench-cluster-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  let side: CorralSide | undefined;
  try {
    await removeBenchLeftovers(state);
    side = await startCorral(state, dataDir);
    const times = { corral: [] as number[], reference: [] as number[] };
    const storage = { corral: [] as NodeStorage[], reference: [] as NodeStorage[] };
    for (let r = 0; r < ROUNDS; r++) {
      await waitForGuestRoom(state, NODES);
      const c = await createCorralCluster(side, state);
      const placed = placementOf(side, state, c.op);
      log(`round ${r + 1}: corral ${c.seconds.toFixed(1)} s, nodes on ${placed.join(', ')}`);
      times.corral.push(c.seconds);
      storage.corral.push(...c.storage);
      await deleteCorralCluster(side, state);

      // The reference builds the same nodes on the same hosts as Corral placed them.
      const hosts = placed.map((name) => state.hosts.find((h) => h.name === name)!);
      const refWork = join(work, `reference-${r}`);
      await waitForGuestRoom(state, NODES);
      prepareReference(state, refWork, hosts);
      try {
        const secs = await runReference(state, refWork);
        log(`round ${r + 1}: reference ${secs.toFixed(1)} s`);
        times.reference.push(secs);
        storage.reference.push(...referenceStorage(hosts));
      } finally {
        await removeReference(state, refWork);
      }
    }
    console.log(
      timeLine(
        `cluster-${NODES}x${state.hosts.length >= 2 ? 2 : 1}`,
        median(times.corral),
        median(times.reference),
        'reference',
      ),
    );
    console.log(
      `cluster-${NODES}x2 storage per new node: corral=${storageText(storage.corral)} reference=${storageText(storage.reference)}`,
    );
  } finally {
    side?.core.dispose();
    await removeBenchLeftovers(state).catch((err: unknown) => log(`cleanup: ${String(err)}`));
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
