import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { ClusterSpec, Operation } from '../../api/clusters-api';
import {
  allowLabClusters,
  cleanLab,
  hostLeftovers,
  labClusterSpec,
  labFingerprint,
  waitForRoom,
} from '../lab/clusters-support';
import { hostVirsh } from '../lab/guest';
import { spawnCorralServer, type CorralServerChild } from '../support/corral-server-child';
import { readLabState, type LabState } from '../lab/state';
import { openContractSocket, sessionCookie, type ContractSocket } from './support/contract-socket';

/**
 * Crash safety: the real server process starts a 2-node creation on the lab, is killed
 * (SIGKILL) mid-creation, and starts again on the same data folder. The operation shows as
 * `interrupted`; resuming it ends with every node up, rolling it back ends with nothing left —
 * both checked with virsh on the hosts.
 */
const PREFIX = 'h10crash';
const USER = { username: 'h10crash', password: 'crash-password-e2e' };

type Server = CorralServerChild;

let lab: LabState;
let dataDir: string;
let server: Server | undefined;
let socket: ContractSocket | undefined;

/** Starts `server/main.ts` on `dataDir` (kept across restarts) and reads its URL and token. */
const startServer = (): Promise<Server> => spawnCorralServer(dataDir);

function kill(s: Server | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    s.child.once('exit', () => done());
    s.child.kill(signal);
  });
}

async function connect(first: boolean) {
  server = await startServer();
  socket = await openContractSocket(server.url, await sessionCookie(server));
  const api = socket.connection.api;
  if (first) await api.accounts.signUp(USER);
  else await api.accounts.logIn(USER);
  return api;
}

type Api = Awaited<ReturnType<typeof connect>>;

/** Adds both lab hosts (first start only), trusting each only with the lab's fingerprint. */
async function addHosts(api: Api): Promise<void> {
  for (const h of lab.hosts) {
    const view = await api.hosts.add({
      name: h.name,
      address: h.address,
      port: h.sshPort,
      user: h.user,
      auth: { kind: 'key', keyPath: lab.sshKey },
    });
    await expect
      .poll(async () => (await api.hosts.list({})).find((v) => v.id === view.id)?.status.state, {
        timeout: 30_000,
      })
      .toBe('key-unknown');
    await api.hosts.trustKey({ id: view.id, fingerprint: labFingerprint(lab, h.address) });
  }
}

async function hostsReady(api: Api): Promise<string[]> {
  const names = new Set(lab.hosts.map((h) => h.name));
  let ids: string[] = [];
  await expect
    .poll(
      async () => {
        const hosts = (await api.hosts.list({})).filter((h) => names.has(h.name));
        ids = hosts.map((h) => h.id);
        const facts = (await api.inventory.snapshot({})).hosts;
        return (
          hosts.length === lab.hosts.length &&
          hosts.every((h) => h.status.state === 'online') &&
          ids.every((id) => facts.some((f) => f.hostId === id && !f.stale && f.cpus > 0))
        );
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return ids;
}

const spec = (name: string, first: string, last: string): ClusterSpec =>
  labClusterSpec(lab, name, 2, { first, last });

async function operation(api: Api, id: string): Promise<Operation> {
  const op = (await api.operations.list({})).find((o) => o.id === id);
  if (!op) throw new Error(`operation ${id} is not listed`);
  return op;
}

/** Starts a creation and kills the server once its nodes exist on the hosts but are not ready. */
async function createAndCrash(name: string, first: string, last: string): Promise<string> {
  await waitForRoom(lab, 2);
  const api = await connect(false);
  await hostsReady(api);
  const op = await api.clusters.create(spec(name, first, last));
  await expect
    .poll(async () => (await operation(api, op.id)).nodes.map((n) => n.phase), {
      timeout: 120_000,
      intervals: [100],
    })
    .toContainEqual(expect.stringMatching(/^(starting|waiting-ssh)$/));
  await kill(server, 'SIGKILL');
  socket = undefined;
  // Something of the cluster is really on the hosts now.
  const left = await Promise.all(lab.hosts.map((h) => hostLeftovers(h, name)));
  expect(left.flatMap((l) => l.domains).length).toBeGreaterThan(0);
  return op.id;
}

/** Restarts on the same data folder; the operation must read `interrupted`. */
async function restartInterrupted(id: string): Promise<Api> {
  const api = await connect(false);
  const op = await operation(api, id);
  expect(op.status).toBe('interrupted');
  await hostsReady(api);
  return api;
}

test.describe.configure({ mode: 'serial', timeout: 900_000 });

test.beforeAll(async () => {
  const state = readLabState();
  if (!state) throw new Error('the lab is not up');
  lab = state;
  await cleanLab(lab, PREFIX);
  dataDir = mkdtempSync(join(tmpdir(), 'corral-h10-crash-'));
  const api = await connect(true);
  await addHosts(api);
  await allowLabClusters(api, await hostsReady(api));
  await kill(server, 'SIGTERM');
});

test.afterAll(async () => {
  socket?.connection.dispose();
  await kill(server, 'SIGTERM');
  if (lab) await cleanLab(lab, PREFIX);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('killed mid-creation, then resumed: every node ends up running (virsh)', async () => {
  const name = `${PREFIX}-resume`;
  const id = await createAndCrash(name, '10.213.0.160', '10.213.0.169');
  const api = await restartInterrupted(id);
  const resumed = await api.operations.resume({ id });
  expect(resumed.status).toBe('running');
  await expect
    .poll(async () => (await operation(api, id)).status, { timeout: 600_000, intervals: [500] })
    .toBe('succeeded');
  const op = await operation(api, id);
  expect(op.nodes.map((n) => n.phase)).toEqual(['ready', 'ready']);
  // Host truth: both domains run, one per host (round robin), and each has its two volumes.
  const states: string[] = [];
  for (const h of lab.hosts) {
    const left = await hostLeftovers(h, name);
    expect(left.domains).toHaveLength(1);
    expect(left.volumes).toHaveLength(2);
    const { stdout } = await hostVirsh(h, ['domstate', left.domains[0]!]);
    states.push(stdout.trim());
  }
  expect(states).toEqual(['running', 'running']);
  // And it is a normal cluster afterwards: delete it.
  const cluster = (await api.clusters.list({})).find((c) => c.name === name);
  expect(cluster?.nodes).toHaveLength(2);
  const del = await api.clusters.remove({
    cluster: name,
    confirm: cluster!.nodes.map((n) => n.name),
  });
  await expect
    .poll(async () => (await operation(api, del.id)).status, { timeout: 120_000 })
    .toBe('succeeded');
  for (const h of lab.hosts) {
    expect(await hostLeftovers(h, name)).toEqual({ domains: [], volumes: [] });
  }
  socket?.connection.dispose();
  await kill(server, 'SIGTERM');
});

test('killed mid-creation, then rolled back: nothing of it is left (virsh)', async () => {
  const name = `${PREFIX}-back`;
  const id = await createAndCrash(name, '10.213.0.170', '10.213.0.179');
  const api = await restartInterrupted(id);
  await api.operations.rollback({ id });
  await expect
    .poll(async () => (await operation(api, id)).status, { timeout: 300_000, intervals: [500] })
    .toBe('rolled-back');
  for (const h of lab.hosts) {
    expect(await hostLeftovers(h, name)).toEqual({ domains: [], volumes: [] });
  }
  // The list comes from the inventory, which hears of each removal by libvirt's event, a moment
  // after the rollback (and virsh) see it.
  await expect
    .poll(async () => (await api.clusters.list({})).map((c) => c.name), { timeout: 10_000 })
    .not.toContain(name);
  socket?.connection.dispose();
  await kill(server, 'SIGTERM');
});
