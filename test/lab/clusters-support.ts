import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSpec } from '../../api/clusters-api';
import type { VolumeRef } from '../../api/images-api';
import type { NetworkPolicy } from '../../api/networks-api';
import { LAB_BASE_VOLUME } from './base-image-volumes';
import { LAB } from './config';
import { CorralCore, type CorralCoreOptions } from '../../core/corral-core';
import { fingerprintOf, parseKnownHosts } from '../../core/hosts/known-hosts';
import type { CallContext } from '../../core/call-context';
import { sleep } from './exec';
import { hostVirsh } from './guest';
import type { LabHost, LabState } from './state';
import { run, shellQuote } from './exec';
import { CORE_ITSELF } from '../../core/inventory/inventory-service';

/**
 * A CorralCore for lab cluster tests: no "This computer", cluster progress logged on stderr.
 * `clusters` adds tuning (a longer SSH wait for slow images, say).
 */
export function labClusterCore(
  dataDir: string,
  clusters: CorralCoreOptions['clusters'] = {},
): CorralCore {
  return new CorralCore({
    dataDir,
    shell: 'test',
    hosts: { localHost: false },
    clusters: { log: (l) => console.error(`clusters: ${l}`), ...clusters },
  });
}

/**
 * Shared by the cluster lab tests: lab hosts added to a CorralCore with their keys
 * checked against the lab's known_hosts, a machine-wide guest budget, and host truth via virsh.
 */

/**
 * Runs a command on a node as root with the lab key, trusting only `hostKey` (the key its
 * metadata names): a node that does not present the key Corral seeded is refused. `argv` is
 * quoted word by word for the remote shell; a known_hosts file for it goes into `dir`.
 */
export async function nodeSsh(
  lab: LabState,
  dir: string,
  address: string,
  hostKey: string,
  argv: string[],
) {
  const knownHosts = join(dir, `known-${address}`);
  writeFileSync(knownHosts, `${address} ${hostKey}\n`);
  return run('ssh', [
    '-i',
    lab.sshKey,
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=20',
    `root@${address}`,
    '--',
    shellQuote(argv),
  ]);
}

/** `SHA256:…` of the host key the lab's known_hosts lists for `address` (what a person checks). */
export function labFingerprint(lab: LabState, address: string): string {
  for (const line of parseKnownHosts(readFileSync(lab.knownHosts, 'utf8'))) {
    if (line.kind === 'key' && line.key.host.split(',').includes(address)) {
      return fingerprintOf(line.key.keyBase64);
    }
  }
  throw new Error(`no known_hosts line for ${address}`);
}

/** Adds every lab host, trusts it only if it shows the lab's key, waits until all are online. */
export async function addLabHosts(core: CorralCore, lab: LabState, ctx: CallContext) {
  const ids: string[] = [];
  for (const h of lab.hosts) {
    const view = await core.api.hosts.add(
      {
        name: h.name,
        address: h.address,
        port: h.sshPort,
        user: h.user,
        auth: { kind: 'key', keyPath: lab.sshKey },
      },
      ctx,
    );
    ids.push(view.id);
  }
  for (const [i, id] of ids.entries()) {
    const expected = labFingerprint(lab, lab.hosts[i]!.address);
    await until(`host ${id} to present its key`, 30_000, () => {
      const s = core.hosts.list().find((v) => v.id === id)?.status;
      return s?.state === 'key-unknown' || s?.state === 'online';
    });
    const s = core.hosts.list().find((v) => v.id === id)!.status;
    if (s.state === 'key-unknown') {
      if (s.fingerprint !== expected) throw new Error(`host ${id} shows ${s.fingerprint}`);
      core.hosts.trustKey(id, expected);
    }
  }
  await until('lab hosts online with facts', 60_000, () => {
    const facts = core.inventory.snapshot(CORE_ITSELF).hosts;
    return ids.every((id) => facts.some((f) => f.hostId === id && !f.stale && f.cpus > 0));
  });
  return ids;
}

/**
 * What the lab's clusters need the administrator to allow: the lab's bridge, and the upper half
 * of the lab segment (lab guests use .100 upwards; every cluster test and bench hands out
 * addresses from .150 up).
 */
export const LAB_NETWORK_POLICY: NetworkPolicy = {
  bridges: [LAB.hostBridge],
  networks: [],
  addressRanges: [`${LAB.subnetPrefix}.128/25`],
};

/** The contract entries an administrator uses to let clusters be made on the lab. */
export interface LabPolicyClient {
  images: { mark(ref: VolumeRef): Promise<unknown> };
  networks: { setPolicy(policy: NetworkPolicy): Promise<unknown> };
}

/**
 * As the administrator, through the contract: marks the lab image in each host's default pool
 * as a base image and allows the lab's bridge and addresses to plain users. Every test or bench
 * that creates clusters on the lab calls this first (an unmarked image backs no cluster).
 */
export async function allowLabClusters(
  admin: LabPolicyClient,
  hostIds: readonly string[],
): Promise<void> {
  for (const hostId of hostIds) {
    await admin.images.mark({ hostId, pool: 'default', name: LAB_BASE_VOLUME });
  }
  await admin.networks.setPolicy(LAB_NETWORK_POLICY);
}

/** A CorralCore's contract as the administrator's session `ctx` calls it. */
export function asAdministrator(core: CorralCore, ctx: CallContext): LabPolicyClient {
  return {
    images: { mark: async (ref) => core.api.images.mark(ref, ctx) },
    networks: { setPolicy: async (policy) => core.api.networks.setPolicy(policy, ctx) },
  };
}

/** Polls `check` until truthy or `ms` pass. */
export async function until<T>(
  what: string,
  ms: number,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Running domains on this machine's libvirtd and on every lab host. */
export async function runningGuests(lab: LabState): Promise<number> {
  let count = 0;
  const local = await run('virsh', ['-q', '-c', 'qemu:///system', 'list', '--name']).catch(() => ({
    stdout: '',
  }));
  count += local.stdout.split('\n').filter((l) => l.trim()).length;
  for (const h of lab.hosts) {
    const { stdout } = await hostVirsh(h, ['list', '--name']);
    count += stdout.split('\n').filter((l) => l.trim()).length;
  }
  return count;
}

/** Waits until `n` more guests fit under the machine-wide limit of 8 (measured). */
export async function waitForRoom(lab: LabState, n: number, limit = 8): Promise<void> {
  await until(
    `room for ${n} guests`,
    20 * 60_000,
    async () => (await runningGuests(lab)) + n <= limit,
    5_000,
  );
}

/** Domains (all states) and default-pool volumes on a host whose names start with `prefix`. */
export async function hostLeftovers(
  host: LabHost,
  prefix: string,
): Promise<{ domains: string[]; volumes: string[] }> {
  const { stdout: doms } = await hostVirsh(host, ['list', '--all', '--name']);
  const { stdout: vols } = await hostVirsh(host, ['vol-list', 'default']);
  return {
    domains: doms
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith(prefix)),
    volumes: vols
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0] ?? '')
      .filter((l) => l.startsWith(prefix)),
  };
}

/** Removes anything named `prefix…` from every lab host (afterAll, even after a failure). */
export async function cleanLab(lab: LabState, prefix: string): Promise<void> {
  for (const h of lab.hosts) {
    const left = await hostLeftovers(h, prefix).catch(() => ({ domains: [], volumes: [] }));
    for (const d of left.domains) {
      await hostVirsh(h, ['destroy', d]).catch(() => undefined);
      // A node may hold internal snapshots: their metadata goes with it.
      await hostVirsh(h, ['undefine', '--snapshots-metadata', d]).catch(() => undefined);
    }
    for (const v of left.volumes) {
      await hostVirsh(h, ['vol-delete', '--pool', 'default', v]).catch(() => undefined);
    }
  }
}

/** The `corral:host-key` a node's domain XML carries, read with virsh (not through Corral). */
export async function nodeHostKey(host: LabHost, domain: string): Promise<string> {
  const { stdout } = await hostVirsh(host, ['dumpxml', domain]);
  const key = /<corral:host-key>([^<]+)<\/corral:host-key>/.exec(stdout)?.[1];
  if (!key) throw new Error(`no host key in the metadata of ${domain}`);
  return key.trim();
}

/**
 * A round-robin cluster of small nodes (1 vCPU, 256 MiB, 2 GiB) on the lab's bridge from the lab
 * image, with addresses `first`..`last` of the lab segment (each test keeps its own range).
 */
export function labClusterSpec(
  lab: LabState,
  name: string,
  nodes: number,
  addresses: { first: string; last: string },
): ClusterSpec {
  return {
    name,
    nodes,
    vcpus: 1,
    memoryMiB: 256,
    diskGiB: 2,
    nics: [
      {
        source: { kind: 'bridge', bridge: 'br0' },
        addresses: { cidr: '10.213.0.0/24', ...addresses },
      },
    ],
    image: LAB_BASE_VOLUME,
    placement: { kind: 'round-robin' },
    sshAuthorizedKeys: [lab.sshPublicKey],
  };
}
