import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeMac } from '../../core/clusters/cluster-naming';
import { nodeDomainXml } from '../../core/clusters/node-blueprint';
import { clusterFiles, type PeerNode } from '../../core/clusters/node-seed';
import { companionNames } from '../../core/images/base-images';
import { kernelCmdline } from '../../core/images/image-boot';
import { generateEd25519KeyPair } from '../../core/keys/openssh-ed25519';
import { buildNoCloudSeed } from '../../core/provisioning/nocloud-seed';
import { LAB_BASE_VOLUME } from '../../test/lab/base-image-volumes';
import { LAB } from '../../test/lab/config';
import { hostPath, hostVirsh } from '../../test/lab/guest';
import type { LabHost, LabState } from '../../test/lab/state';
import { allocatedBytes, leftovers, type NodeStorage } from './corral-side';
import { IMAGES_DIR, NODES, REFERENCE_CLUSTER, REFERENCE_FIRST_OCTET, SHAPE } from './bench-shape';

interface RefNode {
  index: number;
  name: string;
  host: LabHost;
  address: string;
}

const refNodes = (hosts: readonly LabHost[]): RefNode[] =>
  hosts.map((host, index) => ({
    index,
    name: `${REFERENCE_CLUSTER}-${index}`,
    host,
    address: `${LAB.subnetPrefix}.${REFERENCE_FIRST_OCTET + index}`,
  }));

/**
 * Writes what the reference script starts from, per node: the same seed files Corral puts in its
 * ISO (hostname, the user's and the cluster's keys, the node's host key, /etc/hosts, hostfile,
 * known_hosts, static address) and the same domain XML (Corral's builder), on the same hosts as
 * Corral placed its nodes (`hosts`, in node order).
 */
export function prepareReference(state: LabState, work: string, hosts: readonly LabHost[]): void {
  if (hosts.length !== NODES)
    throw new Error(`reference: ${hosts.length} hosts for ${NODES} nodes`);
  rmSync(work, { recursive: true, force: true });
  const nodes = refNodes(hosts);
  const clusterKey = generateEd25519KeyPair(`corral-cluster-${REFERENCE_CLUSTER}`);
  const hostKeys = nodes.map((n) => generateEd25519KeyPair(`root@${n.name}`));
  const peers: PeerNode[] = nodes.map((n, i) => ({
    name: n.name,
    address: n.address,
    hostKey: hostKeys[i]!.publicKey,
    vcpus: SHAPE.vcpus,
  }));
  const companions = companionNames(LAB_BASE_VOLUME);
  for (const [i, n] of nodes.entries()) {
    const dir = join(work, 'nodes', String(i));
    const seedDir = join(dir, 'seed');
    mkdirSync(seedDir, { recursive: true });
    const mac = nodeMac(REFERENCE_CLUSTER, i, 0);
    const files = buildNoCloudSeed({
      instanceId: `reference-${n.name}`,
      hostname: n.name,
      sshAuthorizedKeys: [state.sshPublicKey, clusterKey.publicKey].map((k) => k.trim()),
      hostKey: {
        type: 'ed25519',
        privateKey: hostKeys[i]!.privateKey,
        publicKey: hostKeys[i]!.publicKey,
      },
      writeFiles: [
        ...clusterFiles(peers),
        { path: '/root/.ssh/id_ed25519', content: clusterKey.privateKey, permissions: '0600' },
        {
          path: '/root/.ssh/id_ed25519.pub',
          content: `${clusterKey.publicKey.trim()}\n`,
          permissions: '0644',
        },
      ],
      interfaces: [
        { name: 'eth0', macAddress: mac, addresses: [`${n.address}/${LAB.prefixLength}`] },
      ],
    });
    for (const [file, content] of Object.entries(files))
      if (typeof content === 'string') writeFileSync(join(seedDir, file), content);
    const xml = nodeDomainXml({
      name: n.name,
      vcpus: SHAPE.vcpus,
      memoryMiB: SHAPE.memoryMiB,
      overlayPath: `${IMAGES_DIR}/${n.name}.qcow2`,
      seedPath: `${IMAGES_DIR}/${n.name}-seed.iso`,
      boot: {
        kind: 'kernel',
        kernelPath: `${IMAGES_DIR}/${companions.kernel}`,
        initrdPath: `${IMAGES_DIR}/${companions.initrd}`,
        cmdline: kernelCmdline(),
      },
      nics: [
        {
          source: { kind: 'bridge', bridge: LAB.hostBridge },
          mac,
          address: `${n.address}/${LAB.prefixLength}`,
        },
      ],
      metadata: {
        cluster: REFERENCE_CLUSTER,
        owner: 'reference',
        index: i,
        operation: 'reference',
      },
      hostKey: hostKeys[i]!.publicKey,
      clusterKey: clusterKey.publicKey,
      spec: '{}',
    });
    const fields = {
      name: n.name,
      host: n.host.name,
      address: n.address,
      base: `${IMAGES_DIR}/${LAB_BASE_VOLUME}`,
      size: `${SHAPE.diskGiB}G`,
      'domain.xml': xml,
    };
    for (const [file, content] of Object.entries(fields)) writeFileSync(join(dir, file), content);
  }
}

/** Runs reference.sh; returns its wall time in seconds. */
export function runReference(state: LabState, work: string): Promise<number> {
  const script = join(import.meta.dirname, 'reference.sh');
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(script, [work, state.sshConfig], { encoding: 'utf8' }, (err, _out, stderr) => {
      if (err) reject(new Error(`reference.sh: ${stderr || err.message}`));
      else resolve((performance.now() - t0) / 1000);
    });
  });
}

/** Storage of each reference node (overlay + seed), in node order. */
export function referenceStorage(hosts: readonly LabHost[]): NodeStorage[] {
  return refNodes(hosts).map((n) => ({
    overlay: allocatedBytes(n.host, `${IMAGES_DIR}/${n.name}.qcow2`),
    seed: allocatedBytes(n.host, `${IMAGES_DIR}/${n.name}-seed.iso`),
  }));
}

/** Removes the reference nodes (domains, overlays, seeds) and the script's SSH masters. */
export async function removeReference(state: LabState, work: string): Promise<void> {
  for (const h of state.hosts) {
    for (let i = 0; i < NODES; i++) {
      const name = `${REFERENCE_CLUSTER}-${i}`;
      await hostVirsh(h, ['destroy', name]).catch(() => undefined);
      await hostVirsh(h, ['undefine', name]).catch(() => undefined);
      rmSync(hostPath(h, `${IMAGES_DIR}/${name}.qcow2`), { force: true });
      rmSync(hostPath(h, `${IMAGES_DIR}/${name}-seed.iso`), { force: true });
    }
    await new Promise<void>((resolve) =>
      execFile(
        'ssh',
        ['-F', state.sshConfig, '-o', `ControlPath=${work}/ctl-%C`, '-O', 'exit', h.name],
        () => resolve(),
      ),
    );
  }
  const left = await leftovers(state, `${REFERENCE_CLUSTER}-`);
  if (left.length > 0) throw new Error(`reference: left on the hosts: ${left.join(', ')}`);
}
