import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ByteStream } from '../../api/byte-stream';
import type { Operation } from '../../api/clusters-api';
import type { Task } from '../../api/tasks-api';
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
import { setHostLink } from './link-control';
import { serveCorral, stopServer, type ServedCorral } from './server-contract';
import type { LabHost, LabState } from './state';

/**
 * Crash safety and identity of migration, through the real server process on one 1-node
 * cluster, with host truth from virsh on both hosts: an open console follows its VM to the new
 * host; a migration whose target loses its link fails with the reason and leaves nothing on the
 * target once it is back; a migration cut off by SIGKILL of Corral is reconciled at the next
 * start to one running copy, one definition, and only that copy's volumes. Migrations are slowed
 * (1 MiB/s) so they last long enough to be hit.
 */
const PREFIX = 'mflab';
const CLUSTER = `${PREFIX}-c`;
const USER = { username: 'mfadmin', password: 'migration-faults-password' };
const FINAL = new Set<Task['status']>(['succeeded', 'failed', 'cancelled', 'rolled-back']);

let lab: LabState;
let dataDir: string;
let served: ServedCorral | undefined;
let hostIds: string[] = [];
let vm: { name: string; uuid: string; hostId: string };

type Api = ServedCorral['api'];
const api = (): Api => served!.api;
const hostOf = (hostId: string): LabHost => lab.hosts[hostIds.indexOf(hostId)]!;
const otherHost = (hostId: string) => hostIds.find((h) => h !== hostId)!;
const encoder = new TextEncoder();

async function start(first = false): Promise<Api> {
  served = await serveCorral(dataDir);
  // The server's own log, with the test's: what a failure needs to be understood.
  served.server.child.stderr?.on('data', (d: Buffer) => process.stderr.write(`server: ${d}`));
  if (first) await served.api.accounts.signUp(USER);
  else await served.api.accounts.logIn(USER);
  return served.api;
}

/** Both lab hosts online with facts, in lab order. */
async function hostsReady(): Promise<string[]> {
  let seen = '';
  const ready = until('the lab hosts online with facts', 180_000, async () => {
    const hosts = await api().hosts.list({});
    const facts = (await api().inventory.snapshot({})).hosts;
    seen = JSON.stringify({
      hosts: hosts.map((h) => [h.name, h.status]),
      facts: facts.map((f) => [f.hostname, f.stale, f.staleReason]),
    });
    const ids = lab.hosts.map((l) => hosts.find((h) => h.name === l.name));
    const ready = ids.every(
      (h) =>
        h?.status.state === 'online' &&
        facts.some((f) => f.hostId === h.id && !f.stale && f.cpus > 0),
    );
    return ready && ids.map((h) => h!.id);
  });
  return ready.catch((err: Error) => {
    throw new Error(`${err.message}; last seen ${seen}`);
  });
}

async function settled(id: string, ms = 600_000): Promise<Task> {
  return until(
    `task ${id} to end`,
    ms,
    async () => {
      const t = await api().tasks.get({ id });
      return FINAL.has(t.status) && t;
    },
    500,
  );
}

/** What every lab host has of the VM: its domain's state (if any) and its volumes. */
async function truth() {
  return Promise.all(
    lab.hosts.map(async (h) => {
      const left = await hostLeftovers(h, vm.name);
      const states = await Promise.all(
        left.domains.map(async (d) => (await hostVirsh(h, ['domstate', d])).stdout.trim()),
      );
      return { host: h.name, domains: left.domains, states, volumes: left.volumes.sort() };
    }),
  );
}

/** Exactly one copy, running, on one host with exactly its two volumes; nothing elsewhere. */
async function expectOneRunningCopy(): Promise<string> {
  const all = await truth();
  const withCopy = all.filter((t) => t.domains.length > 0);
  expect(withCopy, JSON.stringify(all)).toHaveLength(1);
  const home = withCopy[0]!;
  expect(home.domains, JSON.stringify(all)).toEqual([vm.name]);
  expect(home.states, JSON.stringify(all)).toEqual(['running']);
  expect(home.volumes, JSON.stringify(all)).toHaveLength(2);
  for (const t of all) if (t !== home) expect(t.volumes, JSON.stringify(all)).toEqual([]);
  return home.host;
}

/**
 * Starts a migration of the VM to the other host and waits until libvirt's phase runs (with
 * `memory`: until the disk is copied and the memory passes run).
 */
async function startSlowMigration(phase: 'any' | 'memory' = 'any'): Promise<Task> {
  await hostVirsh(hostOf(vm.hostId), ['migrate-setspeed', vm.name, '1']);
  const task = await api().migration.start({
    hostId: vm.hostId,
    uuid: vm.uuid,
    targetHostId: otherHost(vm.hostId),
  });
  await until(
    `the migration job to run (${phase})`,
    300_000,
    async () => {
      const step = (await api().tasks.get({ id: task.id })).steps.find((s) => s.id === 'migrating');
      return step?.status === 'running' && (phase === 'any' || /^memory/.test(step.detail ?? ''));
    },
    100,
  );
  await sleep(2_000); // into the copy
  return task;
}

/** Where the inventory shows the VM now (one row for its UUID). */
async function shownOn(): Promise<string[]> {
  const { vms } = await api().inventory.snapshot({});
  return vms.filter((v) => v.uuid === vm.uuid).map((v) => v.hostId);
}

describe('migration faults on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    await cleanLab(lab, PREFIX);
    for (const h of lab.hosts) await setHostLink(h, true);
    for (const h of lab.hosts) await registerBaseImage(h, lab.image);
    dataDir = mkdtempSync(join(tmpdir(), 'corral-migration-faults-'));
    await start(true);
    for (const h of lab.hosts) {
      const view = await api().hosts.add({
        name: h.name,
        address: h.address,
        port: h.sshPort,
        user: h.user,
        auth: { kind: 'key', keyPath: lab.sshKey },
      });
      await until(`host ${h.name} to present its key`, 30_000, async () => {
        const s = (await api().hosts.list({})).find((v) => v.id === view.id)?.status;
        return s?.state === 'key-unknown' || s?.state === 'online';
      });
      await api().hosts.trustKey({ id: view.id, fingerprint: labFingerprint(lab, h.address) });
    }
    hostIds = await hostsReady();
    await allowLabClusters(api(), hostIds);
    await waitForRoom(lab, 1);
    const op = await api().clusters.create(
      labClusterSpec(lab, CLUSTER, 1, { first: '10.213.0.190', last: '10.213.0.194' }),
    );
    const done = await until<Operation>(
      'the cluster to be created',
      600_000,
      async () => {
        const o = (await api().operations.list({})).find((x) => x.id === op.id);
        return o && ['succeeded', 'failed', 'cancelled', 'rolled-back'].includes(o.status) && o;
      },
      1_000,
    );
    expect(done.status).toBe('succeeded');
    const cluster = (await api().clusters.list({})).find((c) => c.name === CLUSTER)!;
    const node = cluster.nodes[0]!;
    vm = { name: node.name, uuid: node.uuid!, hostId: node.hostId };
  }, 900_000);

  afterAll(async () => {
    if (lab) for (const h of lab.hosts) await setHostLink(h, true).catch(() => undefined);
    await stopServer(served, 'SIGTERM');
    if (lab) await cleanLab(lab, PREFIX);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('an open console follows its VM to the new host: the stream stays open and echoes input after the move; the inventory shows one VM that moved', async () => {
    const stream: ByteStream = await api().console.open({ hostId: vm.hostId, uuid: vm.uuid });
    let text = '';
    let ended: Error | undefined | 'no' = 'no';
    const decoder = new TextDecoder();
    stream.onData((b) => {
      text += decoder.decode(b, { stream: true });
    });
    stream.onEnd((err) => (ended = err));
    const echo = async (marker: string) =>
      until(
        `the console to answer ${marker}`,
        180_000,
        async () => {
          // $((6*7)) expands only in a shell: the echoed command line never matches.
          if (text.includes(`${marker}-42`)) return true;
          await stream.write(encoder.encode(`echo ${marker}-$((6*7))\r`));
          return false;
        },
        2_000,
      );
    await echo('before-move');

    const from = vm.hostId;
    const to = otherHost(from);
    const task = await api().migration.start({ hostId: from, uuid: vm.uuid, targetHostId: to });
    const done = await settled(task.id);
    expect(done.status, `${done.error} ${JSON.stringify(done.log)}`).toBe('succeeded');
    vm.hostId = to;

    await echo('after-move');
    expect(ended).toBe('no');
    expect(text).toContain('[console: the VM moved to another host; reconnected]');
    const sessions = await api().console.sessions({});
    expect(sessions.filter((s) => s.uuid === vm.uuid).map((s) => s.hostId)).toEqual([to]);
    // One VM, on its new host (never both, never none).
    expect(
      await until('the inventory to show the VM on its new host', 30_000, async () => {
        const on = await shownOn();
        return on.length === 1 && on[0] === to && on;
      }),
    ).toEqual([to]);
    expect(await expectOneRunningCopy()).toBe(hostOf(to).name);
    stream.end();
  }, 600_000);

  it("a migration whose target's link is cut fails with the reason; the VM runs on where it was and, once the target is back, nothing of it is left there", async () => {
    const source = hostOf(vm.hostId);
    const targetId = otherHost(vm.hostId);
    const target = hostOf(targetId);
    const task = await startSlowMigration('memory');
    await setHostLink(target, false);
    try {
      // Corral notices the target gone and aborts the job. QEMU's cancel of the disk mirror
      // then waits on the dead NBD stream until TCP gives up (minutes), so the link comes back
      // once the abort is asked for: the cancel completes and the task ends.
      await until('the job aborted for the lost target', 120_000, async () =>
        (await api().tasks.get({ id: task.id })).log.some((l) =>
          l.text.includes('aborting the migration job'),
        ),
      );
      // The source runs it still (checked while the target is cut off).
      expect((await hostVirsh(source, ['domstate', vm.name])).stdout.trim()).toBe('running');
    } finally {
      await setHostLink(target, true);
    }
    const done = await settled(task.id);
    expect(done.status, JSON.stringify(done.log)).toBe('failed');
    expect(done.error).toMatch(/unreachable during the migration.*stays on the source/);
    await hostsReady();
    // The reconcile runs once the target is back: its copy and volumes go.
    await until('nothing of the VM on the target', 180_000, async () => {
      const left = await hostLeftovers(target, vm.name);
      return left.domains.length + left.volumes.length === 0;
    });
    expect(await expectOneRunningCopy()).toBe(source.name);
    expect(await shownOn()).toEqual([vm.hostId]);
  }, 900_000);

  it('Corral killed with SIGKILL mid-migration is reconciled at the next start: one running copy, one definition, no orphan volume', async () => {
    const task = await startSlowMigration();
    await stopServer(served, 'SIGKILL');
    await start();
    // Found cut off, then resumed by Corral itself: the reconcile decides, the task ends.
    const done = await settled(task.id);
    expect(done.log.map((l) => l.text).join('\n')).toMatch(/Reconciling /);
    expect(['succeeded', 'failed']).toContain(done.status);
    const home = await expectOneRunningCopy();
    // The task says where the VM is: failed = stayed on the source, succeeded = moved.
    const sourceName = hostOf(vm.hostId).name;
    expect(home === sourceName ? 'failed' : 'succeeded').toBe(done.status);
    if (done.status === 'failed') expect(done.error).toMatch(/stays on the source/);
    hostIds = await hostsReady();
    const homeId = hostIds[lab.hosts.findIndex((h) => h.name === home)]!;
    expect(
      await until('the inventory to show the VM once', 60_000, async () => {
        const on = await shownOn();
        return on.length === 1 && on;
      }),
    ).toEqual([homeId]);
  }, 900_000);
});
