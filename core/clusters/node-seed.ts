import type { NicSpec } from '../../api/clusters-api';
import { iso9660Image } from '../provisioning/iso9660-writer';
import { buildNoCloudSeed, type SeedFile } from '../provisioning/nocloud-seed';
import { prefixLength } from './address-pool';
import { HOSTFILE_PATH } from './cluster-naming';

/** One node as every other node must know it. */
export interface PeerNode {
  name: string;
  /** The first NIC's address (no prefix): the name resolves to it. */
  address: string;
  /** The node's SSH host key line (`ssh-ed25519 AAAA…`). */
  hostKey: string;
  vcpus: number;
}

/**
 * The files that make a set of nodes one cluster: /etc/hosts naming every node, the MPI hostfile
 * (`<name> slots=<vcpus>`), and root's known_hosts with every node's host key (by name and
 * address) so ssh between nodes never asks. Regenerated on every node when nodes are added.
 */
export function clusterFiles(peers: readonly PeerNode[]): SeedFile[] {
  const sorted = [...peers].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const hosts = ['127.0.0.1 localhost', ...sorted.map((p) => `${p.address} ${p.name}`)];
  return [
    { path: '/etc/hosts', content: `${hosts.join('\n')}\n`, permissions: '0644' },
    {
      path: HOSTFILE_PATH,
      content: sorted.map((p) => `${p.name} slots=${p.vcpus}\n`).join(''),
      permissions: '0644',
    },
    {
      path: '/root/.ssh/known_hosts',
      content: sorted.map((p) => `${p.name},${p.address} ${keyOnly(p.hostKey)}\n`).join(''),
      permissions: '0644',
    },
  ];
}

/** What one node's seed holds besides the cluster files. */
export interface NodeSeedSpec {
  /** Changes per node and per attempt (cloud-init runs per-instance steps once per id). */
  instanceId: string;
  name: string;
  nics: ReadonlyArray<{ spec: NicSpec; mac: string; address: string }>;
  /** The user's keys, then the cluster's public key. */
  authorizedKeys: string[];
  clusterKey: { privateKey: string; publicKey: string };
  hostKey: { privateKey: string; publicKey: string };
  peers: readonly PeerNode[];
}

/**
 * The node's NoCloud `cidata` seed as ISO bytes: hostname, authorized keys (the user's and the
 * cluster's), its pre-generated host key, the cluster's private key as root's id_ed25519 (so
 * nodes reach each other without passwords), the cluster files, static addresses per NIC
 * (matched by MAC), and root signed in on the serial console (the console pane is only reachable
 * by whoever may operate the node, so it opens on a shell rather than a password prompt that
 * key-only nodes could never answer).
 */
export function nodeSeedIso(spec: NodeSeedSpec): Uint8Array {
  const files = buildNoCloudSeed({
    instanceId: spec.instanceId,
    hostname: spec.name,
    sshAuthorizedKeys: [...spec.authorizedKeys, spec.clusterKey.publicKey].map((k) => k.trim()),
    hostKey: {
      type: 'ed25519',
      privateKey: spec.hostKey.privateKey,
      publicKey: spec.hostKey.publicKey,
    },
    writeFiles: [
      ...clusterFiles(spec.peers),
      { path: '/root/.ssh/id_ed25519', content: spec.clusterKey.privateKey, permissions: '0600' },
      {
        path: '/root/.ssh/id_ed25519.pub',
        content: `${spec.clusterKey.publicKey.trim()}\n`,
        permissions: '0644',
      },
    ],
    interfaces: spec.nics.map((nic, i) => ({
      name: `eth${i}`,
      macAddress: nic.mac,
      addresses: [`${nic.address}/${prefixLength(nic.spec.addresses.cidr)}`],
      gateway: nic.spec.addresses.gateway,
    })),
    consoleAutologin: 'root',
  });
  return iso9660Image({
    volumeId: 'cidata',
    files: Object.entries(files)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([name, content]) => ({ name, data: Buffer.from(content, 'utf8') })),
  });
}

/** `ssh-ed25519 AAAA` without the comment (known_hosts lines carry no comment). */
function keyOnly(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}
