import { describe, expect, it } from 'vitest';
import { clusterFiles, nodeSeedIso, type PeerNode } from '../../../core/clusters/node-seed';
import { generateEd25519KeyPair } from '../../../core/keys/openssh-ed25519';

const peers: PeerNode[] = [
  { name: 'web-10', address: '10.0.0.12', hostKey: 'ssh-ed25519 AAAAc web-10', vcpus: 1 },
  { name: 'web-0', address: '10.0.0.10', hostKey: 'ssh-ed25519 AAAAa web-0', vcpus: 2 },
  { name: 'web-2', address: '10.0.0.11', hostKey: 'ssh-ed25519 AAAAb', vcpus: 1 },
];

/** The text of the ISO (seed files are small and stored uncompressed). */
function isoText(iso: Uint8Array): string {
  return Buffer.from(iso).toString('latin1');
}

describe('cluster files', () => {
  const files = Object.fromEntries(clusterFiles(peers).map((f) => [f.path, f.content]));

  it('names every node in /etc/hosts, in node order', () => {
    expect(files['/etc/hosts']).toBe(
      '127.0.0.1 localhost\n10.0.0.10 web-0\n10.0.0.11 web-2\n10.0.0.12 web-10\n',
    );
  });

  it('writes an MPI hostfile with each node and its vCPUs as slots', () => {
    expect(files['/etc/corral/hostfile']).toBe('web-0 slots=2\nweb-2 slots=1\nweb-10 slots=1\n');
  });

  it("lists every node's host key by name and address, without comments", () => {
    expect(files['/root/.ssh/known_hosts']).toBe(
      'web-0,10.0.0.10 ssh-ed25519 AAAAa\nweb-2,10.0.0.11 ssh-ed25519 AAAAb\nweb-10,10.0.0.12 ssh-ed25519 AAAAc\n',
    );
  });
});

describe('node seed', () => {
  it('holds hostname, keys, cluster files and static addresses matched by MAC', () => {
    const cluster = generateEd25519KeyPair('cluster');
    const host = generateEd25519KeyPair('web-0');
    const iso = nodeSeedIso({
      instanceId: 'iid-web-0-1',
      name: 'web-0',
      nics: [
        {
          spec: {
            source: { kind: 'bridge', bridge: 'br0' },
            addresses: {
              cidr: '10.0.0.0/24',
              first: '10.0.0.10',
              last: '10.0.0.20',
              gateway: '10.0.0.1',
            },
          },
          mac: '52:54:00:01:02:03',
          address: '10.0.0.10',
        },
      ],
      authorizedKeys: ['ssh-ed25519 AAAAuser me@laptop'],
      clusterKey: cluster,
      hostKey: host,
      peers,
    });
    const text = isoText(iso);
    expect(text).toContain('CD001');
    expect(text).toContain('local-hostname: "web-0"');
    expect(text).toContain('  - "ssh-ed25519 AAAAuser me@laptop"');
    expect(text).toContain(`  - "${cluster.publicKey}"`);
    expect(text).toContain('ed25519_public: "' + host.publicKey + '"');
    expect(text).toContain('path: "/root/.ssh/id_ed25519"');
    expect(text).toContain('permissions: "0600"');
    expect(text).toContain('path: "/etc/corral/hostfile"');
    expect(text).toContain('macaddress: "52:54:00:01:02:03"');
    expect(text).toContain('- "10.0.0.10/24"');
    expect(text).toContain('via: "10.0.0.1"');
    expect(text).toContain('--autologin root');
  });
});
