import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSpec, Operation } from '../../api/clusters-api';
import { registerBaseImage } from './base-image-volumes';
import {
  allowLabClusters,
  cleanLab,
  hostLeftovers,
  labClusterSpec,
  labFingerprint,
  until,
  waitForRoom,
} from './clusters-support';
import { sleep } from './exec';
import { hostVirsh } from './guest';
import { currentLab } from './lab-fixture';
import { serveCorral, stopServer, type ServedCorral } from './server-contract';
import type { LabState } from './state';

/**
 * Crash safety of cluster creation, with the real server process killed by SIGKILL at points
 * chosen by a seeded generator (CORRAL_KILL_SEED to replay another run): after a restart on the
 * same data folder the creation reads `interrupted` (as an operation and as a task), and
 * resuming it ends with the whole cluster running, rolling it back with nothing — checked with
 * virsh on both hosts: every domain of the cluster with exactly its two volumes, or none at all.
 */
const PREFIX = 'k9lab';
const SEED = Number(process.env.CORRAL_KILL_SEED ?? 20261129);
const USER = { username: 'k9admin', password: 'kill-nine-password' };
/** Node phases in the order a creation passes them; a kill waits until one of them is reached. */
const PHASES = ['queued', 'cloning', 'seeding', 'defining', 'starting', 'waiting-ssh'] as const;

/** mulberry32: a small seeded generator, so a failing round can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Round {
  name: string;
  /** The kill comes once a node reached this phase (or a later one)… */
  phase: (typeof PHASES)[number];
  /** …and this long after. */
  delayMs: number;
  then: 'resume' | 'rollback';
}

const random = seeded(SEED);
const ROUNDS: Round[] = Array.from({ length: 6 }, (_, i) => ({
  name: `${PREFIX}-r${i}`,
  phase: PHASES[Math.floor(random() * PHASES.length)]!,
  delayMs: Math.floor(random() * 2500),
  then: i % 2 === 0 ? 'resume' : 'rollback',
}));

let lab: LabState;
let dataDir: string;
let served: ServedCorral | undefined;

type Api = ServedCorral['api'];

async function start(first = false): Promise<Api> {
  served = await serveCorral(dataDir);
  if (first) await served.api.accounts.signUp(USER);
  else await served.api.accounts.logIn(USER);
  return served.api;
}

/** Both lab hosts online with facts (they reconnect by themselves after a restart). */
async function hostsReady(api: Api): Promise<string[]> {
  const names = new Set(lab.hosts.map((h) => h.name));
  return until('the lab hosts online with facts', 120_000, async () => {
    const hosts = (await api.hosts.list({})).filter((h) => names.has(h.name));
    const facts = (await api.inventory.snapshot({})).hosts;
    const ready =
      hosts.length === lab.hosts.length &&
      hosts.every(
        (h) =>
          h.status.state === 'online' &&
          facts.some((f) => f.hostId === h.id && !f.stale && f.cpus > 0),
      );
    return ready && hosts.map((h) => h.id);
  });
}

async function operation(api: Api, id: string): Promise<Operation | undefined> {
  return (await api.operations.list({})).find((o) => o.id === id);
}

async function ended(api: Api, id: string): Promise<Operation> {
  const final = new Set(['succeeded', 'failed', 'cancelled', 'rolled-back', 'interrupted']);
  return until(
    `operation ${id} to end`,
    600_000,
    async () => {
      const op = await operation(api, id);
      return op && final.has(op.status) && op;
    },
    500,
  );
}

/** What a cluster left on the hosts, read with virsh: domains with their state, and volumes. */
async function hostTruth(name: string) {
  const all = await Promise.all(
    lab.hosts.map(async (h) => {
      const left = await hostLeftovers(h, name);
      const states = await Promise.all(
        left.domains.map(async (d) => (await hostVirsh(h, ['domstate', d])).stdout.trim()),
      );
      return { ...left, states };
    }),
  );
  return {
    domains: all.flatMap((a) => a.domains).sort(),
    volumes: all.flatMap((a) => a.volumes).sort(),
    states: all.flatMap((a) => a.states),
  };
}

const spec = (name: string): ClusterSpec =>
  labClusterSpec(lab, name, 2, { first: '10.213.0.230', last: '10.213.0.239' });

describe(`cluster creation killed with SIGKILL at seeded random points (seed ${SEED})`, () => {
  beforeAll(async () => {
    lab = currentLab();
    await cleanLab(lab, PREFIX);
    for (const h of lab.hosts) await registerBaseImage(h, lab.image);
    dataDir = mkdtempSync(join(tmpdir(), 'corral-kill-'));
    const api = await start(true);
    for (const h of lab.hosts) {
      const view = await api.hosts.add({
        name: h.name,
        address: h.address,
        port: h.sshPort,
        user: h.user,
        auth: { kind: 'key', keyPath: lab.sshKey },
      });
      await until(`host ${h.name} to present its key`, 30_000, async () => {
        const s = (await api.hosts.list({})).find((v) => v.id === view.id)?.status;
        return s?.state === 'key-unknown' || s?.state === 'online';
      });
      await api.hosts.trustKey({ id: view.id, fingerprint: labFingerprint(lab, h.address) });
    }
    await allowLabClusters(api, await hostsReady(api));
    await stopServer(served, 'SIGTERM');
  }, 180_000);

  afterAll(async () => {
    await stopServer(served, 'SIGTERM');
    if (lab) await cleanLab(lab, PREFIX);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  for (const round of ROUNDS) {
    it(`killed once a node is ${round.phase} (+${round.delayMs} ms), restarted interrupted, ${round.then === 'resume' ? 'resumed: the whole cluster runs' : 'rolled back: nothing is left'}`, async () => {
      await waitForRoom(lab, 2);
      let api = await start();
      await hostsReady(api);
      const started = await api.clusters.create(spec(round.name));
      const target = PHASES.indexOf(round.phase);
      await until(
        `a node ${round.phase}`,
        300_000,
        async () => {
          const op = await operation(api, started.id);
          return op?.nodes.some((n) => PHASES.indexOf(n.phase as never) >= target);
        },
        50,
      );
      await sleep(round.delayMs);
      await stopServer(served, 'SIGKILL');

      api = await start();
      const cut = await operation(api, started.id);
      expect(cut?.status).toBe('interrupted');
      // Both views of the same work agree.
      expect((await api.tasks.get({ id: started.id })).status).toBe('interrupted');
      await hostsReady(api);

      if (round.then === 'resume') {
        await api.operations.resume({ id: started.id });
        const op = await ended(api, started.id);
        expect(op.status).toBe('succeeded');
        expect(op.nodes.map((n) => n.phase)).toEqual(['ready', 'ready']);
        const truth = await hostTruth(round.name);
        expect(truth.domains).toEqual([`${round.name}-0`, `${round.name}-1`]);
        expect(truth.states).toEqual(['running', 'running']);
        // Each node's own overlay and seed, nothing more: no orphan of the cut-off attempt.
        expect(truth.volumes).toHaveLength(4);
        for (const d of truth.domains) {
          expect(truth.volumes.filter((v) => v.startsWith(`${d}-`))).toHaveLength(2);
        }
        const cluster = (await api.clusters.list({})).find((c) => c.name === round.name);
        const del = await api.clusters.remove({
          cluster: round.name,
          confirm: cluster!.nodes.map((n) => n.name),
        });
        expect((await ended(api, del.id)).status).toBe('succeeded');
      } else {
        await api.operations.rollback({ id: started.id });
        const op = await ended(api, started.id);
        expect(op.status).toBe('rolled-back');
      }
      expect(await hostTruth(round.name)).toEqual({ domains: [], volumes: [], states: [] });
      await stopServer(served, 'SIGTERM');
      served = undefined;
    }, 900_000);
  }
});
