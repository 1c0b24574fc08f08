import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../api/clusters-api';
import type { CallContext } from '../../core/call-context';
import { nodeVolumeNames } from '../../core/clusters/cluster-naming';
import { nodeDomainXml } from '../../core/clusters/node-blueprint';
import type { CorralCore } from '../../core/corral-core';
import { registerBaseImage } from './base-image-volumes';
import {
  addLabHosts,
  labClusterCore,
  allowLabClusters,
  asAdministrator,
  cleanLab,
  hostLeftovers,
  labClusterSpec,
  until,
  waitForRoom,
} from './clusters-support';
import { hostVirsh } from './guest';
import { currentLab } from './lab-fixture';
import type { LabHost, LabState } from './state';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';

/**
 * Removal by identity on the lab, host truth read with virsh: a creation interrupted by a crash
 * is rolled back after someone else's domain and volumes took its node's names, and only its own
 * things go; domains tagged with an operation this Corral does not know are listed for the
 * administrator, adopted into an ordinary cluster (whose delete spares a same-named volume), or
 * deleted with their own disks only.
 */
const PREFIX = 'idlab';
const admin: CallContext = { sessionId: 'idlab-admin' };
const carol: CallContext = { sessionId: 'idlab-carol' };
const ADMIN = { username: 'idlabadmin', password: 'admin-password' };
const CAROL = { username: 'idlabcarol', password: 'carol-password' };

let core: CorralCore | undefined;
let dataDir: string;
let scratch: string;
let lab: LabState;
let hostIds: string[] = [];

function newCore(): CorralCore {
  return labClusterCore(dataDir);
}

const virsh = (h: LabHost, ...args: string[]) => hostVirsh(h, args);

async function volumePath(h: LabHost, name: string): Promise<string> {
  return (await virsh(h, 'vol-path', '--pool', 'default', name)).stdout.trim();
}

/** A small raw volume in the host's default pool, made with virsh (not through Corral). */
async function makeVolume(h: LabHost, name: string): Promise<string> {
  await virsh(h, 'vol-create-as', 'default', name, '1M', '--format', 'raw');
  return volumePath(h, name);
}

/** Defines (does not start) a node-like domain with Corral metadata, with virsh. */
async function defineNode(
  h: LabHost,
  opts: {
    name: string;
    uuid: string;
    cluster: string;
    owner: string;
    operation: string;
    clusterId?: string;
    overlayPath: string;
    seedPath: string;
  },
): Promise<void> {
  const xml = nodeDomainXml({
    name: opts.name,
    uuid: opts.uuid,
    vcpus: 1,
    memoryMiB: 256,
    overlayPath: opts.overlayPath,
    seedPath: opts.seedPath,
    boot: { kind: 'disk' },
    nics: [
      {
        source: { kind: 'bridge', bridge: 'br0' },
        mac: '52:54:00:5e:1d:01',
        address: '10.213.0.2/24',
      },
    ],
    metadata: {
      cluster: opts.cluster,
      owner: opts.owner,
      index: 0,
      operation: opts.operation,
      ...(opts.clusterId ? { clusterId: opts.clusterId } : {}),
    },
    hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0mGZ7Lk1k2J4pNf4oQxW0w9h5mYQeQ0T0x5m0eJpXo x',
    clusterKey:
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB0mGZ7Lk1k2J4pNf4oQxW0w9h5mYQeQ0T0x5m0eJpXo y',
    spec: '{}',
  });
  const file = join(scratch, `${opts.name}.xml`);
  writeFileSync(file, xml);
  await virsh(h, 'define', file);
}

async function domainUuid(h: LabHost, name: string): Promise<string | undefined> {
  const r = await virsh(h, 'domuuid', name).catch(() => undefined);
  return r?.stdout.trim() || undefined;
}

async function volumes(h: LabHost): Promise<string[]> {
  return (await hostLeftovers(h, PREFIX)).volumes.sort();
}

async function userId(c: CorralCore, ctx: CallContext): Promise<string> {
  const me = await c.api.accounts.me({}, ctx);
  if (!me.user) throw new Error('not signed in');
  return me.user.id;
}

describe('cluster removal by identity on the lab', () => {
  beforeAll(async () => {
    lab = currentLab();
    await cleanLab(lab, PREFIX);
    for (const h of lab.hosts) await registerBaseImage(h, lab.image);
    dataDir = mkdtempSync(join(tmpdir(), 'corral-idlab-'));
    scratch = mkdtempSync(join(tmpdir(), 'corral-idlab-xml-'));
    core = newCore();
    await core.api.accounts.signUp(ADMIN, admin);
    await core.api.accounts.signUp(CAROL, carol);
    hostIds = await addLabHosts(core, lab, admin);
    await allowLabClusters(asAdministrator(core, admin), hostIds);
  }, 120_000);

  afterAll(async () => {
    core?.dispose();
    if (lab) await cleanLab(lab, PREFIX);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 120_000);

  it("rolls back a crashed creation without touching another's domain and volumes that took its node's names", async () => {
    await waitForRoom(lab, 1);
    const c1 = core!;
    const started = await c1.clusters.create(
      labClusterSpec(lab, `${PREFIX}-rb`, 1, { first: '10.213.0.166', last: '10.213.0.166' }),
      carol,
    );
    const node = started.nodes[0]!;
    const h = lab.hosts[hostIds.indexOf(node.hostId)]!;
    // Crash once the domain is defined (its overlay and seed exist by then).
    await until('the node defined', 300_000, () =>
      c1.clusters
        .listOperations(carol)
        .find((o) => o.id === started.id)
        ?.nodes.some((n) => n.phase === 'starting' || n.phase === 'waiting-ssh'),
    );
    c1.dispose();
    await c1.clusters.settled(started.id);
    core = undefined;

    // While Corral is down, the node's domain goes away and someone else's takes its name,
    // with volumes named like an untagged node's.
    const own = nodeVolumeNames(`${PREFIX}-rb`, 0, started.id);
    expect(await volumes(h)).toEqual([own.seed, own.overlay].sort());
    await virsh(h, 'destroy', node.name).catch(() => undefined);
    await virsh(h, 'undefine', node.name);
    const foreignUuid = randomUUID();
    await defineNode(h, {
      name: node.name,
      uuid: foreignUuid,
      cluster: `${PREFIX}-rb`,
      owner: 'someone-else',
      operation: `op-${randomUUID()}`,
      overlayPath: await makeVolume(h, `${PREFIX}-rb-0.qcow2`),
      seedPath: await makeVolume(h, `${PREFIX}-rb-0-seed.iso`),
    });

    const c2 = (core = newCore());
    await c2.api.accounts.logIn(CAROL, carol);
    await until('hosts online again', 120_000, () =>
      hostIds.every((id) =>
        c2.inventory
          .snapshot(CORE_ITSELF)
          .hosts.some((f) => f.hostId === id && !f.stale && f.cpus > 0),
      ),
    );
    const op = c2.clusters.listOperations(carol).find((o) => o.id === started.id);
    expect(op?.status).toBe('interrupted');
    expect((await c2.clusters.rollback(started.id, carol)).status).toBe('rolling-back');
    const rolled: Operation = await c2.clusters.settled(started.id);
    expect(rolled.status).toBe('rolled-back');

    // Host truth: the other domain (its UUID) and its same-named volumes are all still there;
    // only this operation's tagged volumes are gone.
    expect(await domainUuid(h, node.name)).toBe(foreignUuid);
    expect(await volumes(h)).toEqual([`${PREFIX}-rb-0-seed.iso`, `${PREFIX}-rb-0.qcow2`]);
  }, 600_000);

  it('lists a domain of an unknown operation for the administrator only; adopted, it is a cluster whose delete spares a same-named volume', async () => {
    const c = core!;
    await c.api.accounts.logIn(ADMIN, admin);
    const carolId = await userId(c, carol);
    const h = lab.hosts[0]!;
    const operation = `op-${randomUUID()}`;
    const own = nodeVolumeNames(`${PREFIX}-ad`, 0, operation);
    const uuid = randomUUID();
    await defineNode(h, {
      name: `${PREFIX}-ad-0`,
      uuid,
      cluster: `${PREFIX}-ad`,
      owner: carolId,
      operation,
      clusterId: randomUUID(),
      overlayPath: await makeVolume(h, own.overlay),
      seedPath: await makeVolume(h, own.seed),
    });
    // Not the node's: an untagged volume of the same base name (another node's, say).
    await makeVolume(h, `${PREFIX}-ad-0.qcow2`);

    const listed = await until('the unknown operation listed', 60_000, async () =>
      (await c.api.clusters.listUnknown({}, admin)).find((u) => u.operation === operation),
    );
    expect(listed).toMatchObject({ cluster: `${PREFIX}-ad`, ownerId: carolId });
    expect(listed.nodes.map((n) => n.uuid)).toEqual([uuid]);
    // Administrator only, refused before anything is read or changed.
    const asCarol = async (call: () => unknown) => call();
    await expect(asCarol(() => c.api.clusters.listUnknown({}, carol))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      asCarol(() => c.api.clusters.adoptUnknown({ operation }, carol)),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      asCarol(() => c.api.clusters.removeUnknown({ operation }, carol)),
    ).rejects.toMatchObject({ code: 'forbidden' });

    await c.api.clusters.adoptUnknown({ operation }, admin);
    expect((await c.api.clusters.listUnknown({}, admin)).map((u) => u.operation)).not.toContain(
      operation,
    );
    const cluster = (await c.api.clusters.list({}, carol)).find((x) => x.name === `${PREFIX}-ad`);
    expect(cluster?.resources.flatMap((r) => r.volumes).sort()).toEqual(
      [own.overlay, own.seed].sort(),
    );

    const del = await c.api.clusters.remove(
      { cluster: `${PREFIX}-ad`, confirm: [`${PREFIX}-ad-0`] },
      carol,
    );
    const done = await c.clusters.settled(del.id);
    expect(done.status).toBe('succeeded');
    expect(await domainUuid(h, `${PREFIX}-ad-0`)).toBeUndefined();
    expect((await volumes(h)).filter((v) => v.startsWith(`${PREFIX}-ad`))).toEqual([
      `${PREFIX}-ad-0.qcow2`,
    ]);
  }, 300_000);

  it("deletes an unknown operation's domain with its own disks only, reporting a disk that is not its own", async () => {
    const c = core!;
    const h = lab.hosts[1] ?? lab.hosts[0]!;
    const operation = `op-${randomUUID()}`;
    const own = nodeVolumeNames(`${PREFIX}-del`, 0, operation);
    await defineNode(h, {
      name: `${PREFIX}-del-0`,
      uuid: randomUUID(),
      cluster: `${PREFIX}-del`,
      owner: 'nobody-here',
      operation,
      overlayPath: await makeVolume(h, own.overlay),
      // A disk the domain uses that is not named as its own (someone edited it in, say).
      seedPath: await makeVolume(h, `${PREFIX}-del-data.img`),
    });
    await makeVolume(h, `${PREFIX}-del-0.qcow2`);

    await until('the unknown operation listed', 60_000, async () =>
      (await c.api.clusters.listUnknown({}, admin)).find((u) => u.operation === operation),
    );
    const result = await c.api.clusters.removeUnknown({ operation }, admin);
    expect(result.removed.map((r) => r.split(' on ')[0]).sort()).toEqual(
      [`${PREFIX}-del-0`, own.overlay].sort(),
    );
    expect(result.leftAlone.join('\n')).toMatch(/idlab-del-data\.img/);
    expect(await domainUuid(h, `${PREFIX}-del-0`)).toBeUndefined();
    expect((await volumes(h)).filter((v) => v.startsWith(`${PREFIX}-del`))).toEqual([
      `${PREFIX}-del-0.qcow2`,
      `${PREFIX}-del-data.img`,
    ]);
    await until('the unknown operation gone from the list', 60_000, async () =>
      (await c.api.clusters.listUnknown({}, admin)).every((u) => u.operation !== operation),
    );
  }, 300_000);
});
