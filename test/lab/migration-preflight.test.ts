import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientConnection } from '../../api/client';
import type { Cluster } from '../../api/clusters-api';
import type { CorralApi } from '../../api/corral-api';
import { CorralError } from '../../api/errors';
import type { MigrationBlocker, MigrationPreflight } from '../../api/migration-api';
import type { Task } from '../../api/tasks-api';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import { companionNames } from '../../core/images/base-images';
import { useLibvirtLogger } from '../../core/libvirt/libvirt-call';
import { Logger } from '../../core/logging/logger';
import { el, renderXml } from '../../core/xml/xml-element';
import { coreSession } from '../integration/support/core-session';
import { linkIntoDefaultPool } from './base-image-volumes';
import { labClusterSpec, until, waitForRoom } from './clusters-support';
import { hostVirsh } from './guest';
import { inHost } from './host-daemons';
import { currentLab } from './lab-fixture';
import { createLabCluster, startLabClusters, stopLabClusters } from './lab-cluster-setup';
import type { LabHost, LabState } from './state';

/**
 * The migration pre-flight on the lab, through the contract's gate: one 1-node cluster on h1,
 * built from a base image only h1 has at first (then put on h2 too), checked for a move to h2
 * while each refusal is made real on the hosts: a domain of the node's name on h2, h2's memory
 * short (its /proc/meminfo faked inside its mount namespace, which is what libvirt reads), the
 * base image (or its kernel) missing on h2, and a snapshot of the node. A refused start touches
 * nothing on h2. The checks' duration is printed, never asserted.
 */
const PREFIX = 'pflab';
const CLUSTER = `${PREFIX}-c`;
/** The node's base image: prefix-named, so the lab's cleanup removes it from both hosts. */
const IMAGE = `${PREFIX}-base.qcow2`;
const admin: CallContext = { sessionId: 'pf-admin' };
const alice: CallContext = { sessionId: 'pf-alice' };
const connections: ClientConnection<CorralApi>[] = [];
const gated = (ctx: CallContext) => coreSession(core, ctx.sessionId, connections);

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
let node: Cluster['nodes'][number];
let h2: LabHost;
/** A fake /proc/meminfo bind-mounted on h2 while a test runs (undone after, even on failure). */
let fakeMeminfo: string | undefined;

const request = () => ({ hostId: node.hostId, uuid: node.uuid!, targetHostId: hostIds[1]! });

/** The image files (base, kernel, initrd) as volume names of IMAGE. */
function imageFiles(): Array<[string, string]> {
  const names = companionNames(IMAGE);
  return [
    [lab.image.base, IMAGE],
    [lab.image.kernel, names.kernel],
    [lab.image.initrd, names.initrd],
  ];
}

async function preflight(): Promise<MigrationPreflight> {
  const verdict = await gated(alice).migration.preflight(request());
  console.error(
    `migration pre-flight: ${verdict.checkedMs.toFixed(1)} ms, ${verdict.blockers.map((b) => b.code).join(', ') || 'no blockers'}`,
  );
  return verdict;
}

/** The libvirt procedures called while `run` runs (every call passes one logger). */
async function callsDuring<T>(run: () => Promise<T>): Promise<{ value: T; calls: string[] }> {
  const calls: string[] = [];
  const previous = useLibvirtLogger(
    new Logger('libvirt', {
      debug: true,
      sink: (r) => {
        if (typeof r.fields.procedure === 'string') calls.push(r.fields.procedure);
      },
    }),
  );
  try {
    return { value: await run(), calls };
  } finally {
    useLibvirtLogger(previous);
  }
}

/** The one blocker of `code` (and that it is the only blocker). */
async function onlyBlocker(code: MigrationBlocker['code']): Promise<MigrationBlocker> {
  const verdict = await preflight();
  expect(verdict.ok).toBe(false);
  expect(verdict.blockers.map((b) => b.code)).toEqual([code]);
  return verdict.blockers[0]!;
}

async function settled(task: Task): Promise<Task> {
  const done = await core.tasks.settled(task.id);
  if (done.status !== 'succeeded') throw new Error(`${done.title}: ${done.status} ${done.error}`);
  return done;
}

/** Every domain and every default-pool volume of a host, as virsh lists them. */
async function hostContents(host: LabHost): Promise<{ domains: string[]; volumes: string[] }> {
  const doms = await hostVirsh(host, ['list', '--all', '--name']);
  const vols = await hostVirsh(host, ['vol-list', 'default']);
  const lines = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
  return {
    domains: lines(doms.stdout),
    volumes: lines(vols.stdout).map((l) => l.split(/\s+/)[0]!),
  };
}

async function undoFakeMeminfo(): Promise<void> {
  if (!fakeMeminfo) return;
  await inHost(h2.anchorPid, 'umount', ['/proc/meminfo']);
  rmSync(fakeMeminfo, { force: true });
  fakeMeminfo = undefined;
}

describe('migration pre-flight on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    h2 = lab.hosts[1]!;
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-preflight-',
      admin: { ctx: admin, username: 'pfadmin', password: 'admin-password' },
      users: [{ ctx: alice, username: 'pfalice', password: 'alice-password' }],
    }));
    // Only h1 has the image (marked) when the cluster is made: the node lands there.
    await linkIntoDefaultPool(lab.hosts[0]!, imageFiles());
    await core.api.images.mark({ hostId: hostIds[0]!, pool: 'default', name: IMAGE }, admin);
    await waitForRoom(lab, 1);
    await createLabCluster(
      core,
      {
        ...labClusterSpec(lab, CLUSTER, 1, { first: '10.213.0.187', last: '10.213.0.189' }),
        image: IMAGE,
      },
      alice,
    );
    const cluster = await until('the cluster with its node', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER && c.nodes.length === 1),
    );
    node = cluster.nodes[0]!;
    expect(node.hostId).toBe(hostIds[0]);
    // From here on h2 has the same image (unmarked: a migration needs it, not a mark).
    await linkIntoDefaultPool(h2, imageFiles());
  }, 900_000);

  afterAll(async () => {
    if (h2) await undoFakeMeminfo().catch(() => undefined);
    for (const c of connections) c.dispose();
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('finds nothing in the way of a running node whose image h2 has: live, with what is copied', async () => {
    const { value: verdict, calls } = await callsDuring(preflight);
    // The CPU is compared on h2 exactly when the definition a migration sends names a model.
    const sent = await hostVirsh(lab.hosts[0]!, ['dumpxml', '--migratable', node.name]);
    const cpu = /<cpu\b[^>]*>[\s\S]*?<\/cpu>|<cpu\b[^>]*\/>/.exec(sent.stdout)?.[0] ?? '';
    const named = /<model\b[^>]*>[^<]+<\/model>/.test(cpu) && !/mode='host-/.test(cpu);
    console.error(`the node's CPU as migrated: ${cpu.replace(/\s+/g, ' ') || '(none)'}`);
    expect(calls.includes('connectCompareHypervisorCpu')).toBe(named);
    for (const p of ['connectListAllInterfaces', 'nodeGetMemoryStats', 'domainListAllSnapshots'])
      expect(calls).toContain(p);
    expect(verdict.blockers).toEqual([]);
    expect(verdict).toMatchObject({
      ok: true,
      mode: 'live',
      vm: { hostId: node.hostId, uuid: node.uuid, name: node.name },
      targetHostId: hostIds[1],
      storage: { targetBackingPath: `/var/lib/libvirt/images/${IMAGE}` },
    });
    expect(verdict.storage!.copyBytes).toBeGreaterThan(0);
    expect(verdict.notices.map((n) => n.code).sort()).toEqual([
      'console-reconnect',
      'disk-copy',
      'seed-copy',
    ]);
    expect(verdict.notices.find((n) => n.code === 'disk-copy')!.message).toContain(IMAGE);
  });

  it('refuses the node s own host as the target', async () => {
    const verdict = await gated(alice).migration.preflight({
      ...request(),
      targetHostId: node.hostId,
    });
    expect(verdict.blockers.map((b) => b.code)).toEqual(['same-host']);
    expect(verdict.blockers[0]!.message).toContain(node.name);
  });

  it('names a domain of the node s name on h2, and passes again once it is gone', async () => {
    const xmlFile = join(tmpdir(), `${PREFIX}-${process.pid}-dummy.xml`);
    writeFileSync(
      xmlFile,
      renderXml(
        el(
          'domain',
          { type: 'qemu' },
          el('name', {}, node.name),
          el('memory', { unit: 'MiB' }, 64),
          el('os', {}, el('type', { arch: 'x86_64' }, 'hvm')),
        ),
      ),
    );
    try {
      await hostVirsh(h2, ['define', xmlFile]);
      const b = await onlyBlocker('name-clash');
      expect(b.message).toContain(h2.name);
      expect(b.message).toContain(`domain named ${node.name}`);
    } finally {
      await hostVirsh(h2, ['undefine', node.name]).catch(() => undefined);
      rmSync(xmlFile, { force: true });
    }
    expect((await preflight()).ok).toBe(true);
  });

  it('names h2 s free memory and the node s need when h2 is short of memory', async () => {
    // h2 reports 200 MiB free (and nothing reclaimable) of its real total.
    const real = readFileSync('/proc/meminfo', 'utf8');
    const fake = real
      .replace(/^MemFree:\s+\d+ kB$/m, 'MemFree:          204800 kB')
      .replace(/^MemAvailable:\s+\d+ kB$/m, 'MemAvailable:     204800 kB')
      .replace(/^Buffers:\s+\d+ kB$/m, 'Buffers:               0 kB')
      .replace(/^Cached:\s+\d+ kB$/m, 'Cached:                0 kB');
    fakeMeminfo = join(tmpdir(), `${PREFIX}-${process.pid}-meminfo`);
    writeFileSync(fakeMeminfo, fake);
    await inHost(h2.anchorPid, 'mount', ['--bind', fakeMeminfo, '/proc/meminfo']);
    try {
      const b = await onlyBlocker('memory-short');
      expect(b.message).toBe(
        `${h2.name} has 200 MiB free; ${node.name} needs 256 MiB + 128 MiB for QEMU and headroom = 384 MiB`,
      );
      expect(b.remedy).toContain(h2.name);
    } finally {
      await undoFakeMeminfo();
    }
    expect((await preflight()).ok).toBe(true);
  });

  it('names the base image h2 lacks, then its kernel, and passes once both are back', async () => {
    try {
      await hostVirsh(h2, ['vol-delete', '--pool', 'default', IMAGE]);
      const b = await onlyBlocker('base-image-missing');
      expect(b.message).toBe(
        `${h2.name} has no base image ${IMAGE} (the backing file of disk vda of ${node.name})`,
      );
      await linkIntoDefaultPool(h2, imageFiles());
      const kernel = companionNames(IMAGE).kernel;
      await hostVirsh(h2, ['vol-delete', '--pool', 'default', kernel]);
      const k = await onlyBlocker('base-image-missing');
      expect(k.message).toContain(kernel);
    } finally {
      await linkIntoDefaultPool(h2, imageFiles());
    }
    expect((await preflight()).ok).toBe(true);
  });

  it('names a snapshot of the node; a refused start touches nothing on h2; passes once deleted', async () => {
    const ref = { hostId: node.hostId, uuid: node.uuid! };
    await settled(await gated(alice).snapshots.create({ ...ref, name: 'pf-snap' }));
    try {
      const b = await onlyBlocker('snapshots');
      expect(b.message).toBe(
        `${node.name} has 1 snapshot (pf-snap); libvirt moves no VM that has any`,
      );
      const before = await hostContents(h2);
      const refused = await gated(alice)
        .migration.start(request())
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(refused).toBeInstanceOf(CorralError);
      expect((refused as CorralError).message).toContain('1 snapshot (pf-snap)');
      expect(await hostContents(h2)).toEqual(before);
    } finally {
      await settled(await gated(alice).snapshots.remove({ ...ref, name: 'pf-snap' }));
    }
    expect((await preflight()).ok).toBe(true);
  });
});
