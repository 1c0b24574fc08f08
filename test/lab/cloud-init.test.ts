import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ByteStream } from '../../api/byte-stream';
import { createClient, type ClientConnection } from '../../api/client';
import { corralApi } from '../../api/corral-api';
import { createInMemoryPair } from '../../api/in-memory-transport';
import type { CallContext } from '../../core/call-context';
import type { CorralCore } from '../../core/corral-core';
import { serveCorral } from '../../core/serve-corral';
import { LAB_CLOUD_VOLUME, registerCloudImage } from './base-image-volumes';
import { CLOUD_IMAGE_DISK_BYTES, ensureCloudImage } from './cloud-image-builder';
import {
  addLabHosts,
  labClusterCore,
  allowLabClusters,
  asAdministrator,
  cleanLab,
  labClusterSpec,
  nodeHostKey,
  nodeSsh,
  until,
  waitForRoom,
} from './clusters-support';
import { currentLab } from './lab-fixture';
import type { LabState } from './state';

/**
 * Corral's NoCloud seed read by the real cloud-init: a cluster node made through Corral's cluster
 * service from a partitioned Debian disk image with systemd, cloud-init and its own boot loader
 * (booted as a `disk` image, as users' cloud images are) comes up with everything Corral seeded.
 * Deadlines are generous: systemd and cloud-init under TCG take minutes, not seconds.
 */
const PREFIX = 'ci-lab';
const CLUSTER = `${PREFIX}-real`;
const DISK_GIB = 4;
const user: CallContext = { sessionId: 'cloud-init-user' };

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
let connection: ClientConnection<typeof corralApi> | undefined;

describe('a cluster node from a real cloud-init image', () => {
  beforeAll(async () => {
    lab = currentLab();
    await cleanLab(lab, PREFIX);
    const t0 = Date.now();
    // Built on first use (minutes on a cold cache) rather than by `lab up`, so every other lab
    // run stays as fast as the small image allows.
    const image = await ensureCloudImage((l) => console.error(`lab: ${l}`));
    console.error(`lab: cloud-init image ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const h of lab.hosts) await registerCloudImage(h, image);
    dataDir = mkdtempSync(join(tmpdir(), 'corral-cloud-init-'));
    core = labClusterCore(dataDir, { sshTimeoutMs: 20 * 60_000 });
    await core.api.accounts.signUp({ username: 'ciadmin', password: 'admin-password' }, user);
    hostIds = await addLabHosts(core, lab, user);
    await allowLabClusters(asAdministrator(core, user), hostIds);
    for (const hostId of hostIds) {
      await core.api.images.mark({ hostId, pool: 'default', name: LAB_CLOUD_VOLUME }, user);
    }
  }, 45 * 60_000);

  afterAll(async () => {
    connection?.dispose();
    core?.dispose();
    if (lab) await cleanLab(lab, PREFIX);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it(
    'comes up with its hostname, keys, address, cluster files, console shell and grown disk',
    async () => {
      // .210-.211: a slice of the lab segment no other test hands out.
      const spec = {
        ...labClusterSpec(lab, CLUSTER, 1, { first: '10.213.0.210', last: '10.213.0.211' }),
        image: LAB_CLOUD_VOLUME,
        // systemd + cloud-init (Python) need more room than the small image's 256 MiB.
        memoryMiB: 512,
        diskGiB: DISK_GIB,
      };
      await waitForRoom(lab, 1);
      const t0 = Date.now();
      const started = await core.clusters.create(spec, user);
      const op = await core.clusters.settled(started.id);
      console.error(
        `clusters: cloud-init node create to SSH-ready ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      expect(op.error).toBeUndefined();
      expect(op.status).toBe('succeeded');
      const cluster = await until('the cluster in the list', 60_000, async () =>
        (await core.clusters.list(user)).find((c) => c.name === CLUSTER && c.nodes.length === 1),
      );
      const node = cluster.nodes[0]!;
      const address = node.addresses[0]!;
      const host = lab.hosts[hostIds.indexOf(node.hostId)]!;
      // Strict host key checking against the key Corral put in the node's metadata: a node whose
      // sshd shows any other key (cloud-init generating its own) fails here.
      const hostKey = await nodeHostKey(host, node.name);
      const sh = async (...argv: string[]) =>
        (await nodeSsh(lab, dataDir, address, hostKey, argv)).stdout;

      // cloud-init itself ran every stage on this seed without an error.
      expect(await sh('cloud-init', 'status', '--wait')).toMatch(/status: done/);
      const status = JSON.parse(await sh('cat', '/run/cloud-init/status.json')) as {
        v1: Record<string, { errors?: string[] } | null>;
      };
      const errors = Object.values(status.v1).flatMap((stage) => stage?.errors ?? []);
      expect(errors).toEqual([]);
      expect((await sh('hostname')).trim()).toBe(node.name);
      expect(await sh('cat', '/etc/hosts')).toBe(`127.0.0.1 localhost\n${address} ${node.name}\n`);
      expect(await sh('cat', '/etc/corral/hostfile')).toBe(`${node.name} slots=1\n`);
      expect(await sh('cat', '/root/.ssh/authorized_keys')).toContain(lab.sshPublicKey.trim());
      expect((await sh('cat', '/etc/ssh/ssh_host_ed25519_key.pub')).trim()).toContain(
        hostKey.split(/\s+/).slice(0, 2).join(' '),
      );
      expect(await sh('ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0')).toContain(`${address}/24`);
      // MPI's runtime is there for the hostfile to be of use.
      expect(await sh('mpirun', '--version')).toMatch(/Open MPI/);

      // growpart + resize2fs at first boot: the root partition and its file system fill the
      // node's disk, not the base image's.
      const gib = 1024 ** 3;
      const partition = Number(await sh('lsblk', '-bdno', 'SIZE', '/dev/vda1'));
      expect(partition).toBeGreaterThan(DISK_GIB * gib - 16 * 1024 ** 2);
      const rootFs = Number(await sh('findmnt', '-bno', 'SIZE', '/'));
      expect(rootFs).toBeGreaterThan(CLOUD_IMAGE_DISK_BYTES + gib);

      // The serial console, through Corral's console service, is a root shell: the seed's getty
      // drop-in signed root in, so a command typed there runs with uid 0.
      const [serverEnd, clientEnd] = createInMemoryPair();
      serveCorral(core, serverEnd, user);
      connection = createClient(corralApi, clientEnd);
      const stream: ByteStream = await connection.api.console.open({
        hostId: node.hostId,
        uuid: node.uuid!,
      });
      let text = '';
      const decoder = new TextDecoder();
      stream.onData((b) => {
        text += decoder.decode(b, { stream: true });
      });
      await until(
        'a root shell on the serial console',
        180_000,
        async () => {
          // $((6*7)) and $(id -u) expand only in a shell: the echoed command line never matches.
          if (/uid-0-42/.test(text)) return true;
          await stream.write(new TextEncoder().encode('echo uid-$(id -u)-$((6*7))\r'));
          return false;
        },
        3_000,
      );
    },
    40 * 60_000,
  );
});
