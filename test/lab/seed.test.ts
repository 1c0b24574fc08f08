import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNoCloudSeed } from '../../core/provisioning/nocloud-seed';
import { run } from './exec';
import { GUEST_FILES } from './guest-files';
import { writeSeedIso } from './seed-disk';

// The seed as the lab writes it, read back by the tools on the other side: isoinfo (genisoimage's
// reader) for the pure-TS ISO, and the guest's own first-boot parser for the YAML.
describe('NoCloud seed read back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-seed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const seed = buildNoCloudSeed({
    instanceId: 'iid-x',
    hostname: 'node-7',
    sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 "quoted" #not-a-comment'],
    hostKey: {
      type: 'ed25519',
      privateKey:
        '-----BEGIN OPENSSH PRIVATE KEY-----\nline\\2\n-----END OPENSSH PRIVATE KEY-----\n',
      publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 node-7',
    },
    writeFiles: [{ path: '/etc/x', content: 'a: b\n"c"\n', permissions: '0600' }],
    interfaces: [{ name: 'eth0', macAddress: '52:54:00:00:00:07', addresses: ['10.213.0.107/24'] }],
    // Cluster nodes' seeds carry it; the small image has no systemd and must read past it.
    consoleAutologin: 'root',
  });

  it('isoinfo reads the ISO9660 image: label cidata, Joliet names, contents', async () => {
    const iso = join(dir, 'seed.iso');
    writeSeedIso(seed, iso);
    const { stdout: pvd } = await run('isoinfo', ['-d', '-i', iso]);
    expect(pvd).toMatch(/Volume id: cidata/);
    expect(pvd).toMatch(/Joliet/);
    const { stdout: listing } = await run('isoinfo', ['-J', '-f', '-i', iso]);
    expect(listing.split('\n').filter(Boolean).sort()).toEqual([
      '/meta-data',
      '/network-config',
      '/user-data',
    ]);
    for (const name of ['meta-data', 'user-data', 'network-config'] as const) {
      const { stdout } = await run('isoinfo', ['-J', '-i', iso, '-x', `/${name}`]);
      expect(stdout).toBe(seed[name]);
    }
  });

  it("the guest's first-boot parser reads every value the builder writes", async () => {
    const awk = join(dir, 'yaml.awk');
    writeFileSync(awk, GUEST_FILES['/usr/local/lib/corral/yaml.awk']!.content);
    const get = async (
      file: 'meta-data' | 'user-data' | 'network-config',
      path: string,
    ): Promise<string> => {
      writeFileSync(join(dir, file), seed[file]!);
      return (await run('awk', ['-v', `get=${path}`, '-f', awk, join(dir, file)])).stdout;
    };
    expect(await get('meta-data', 'local-hostname')).toBe('node-7');
    expect(await get('user-data', 'ssh_authorized_keys.0')).toBe(
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 "quoted" #not-a-comment',
    );
    expect(await get('user-data', 'ssh_keys.ed25519_private')).toBe(
      '-----BEGIN OPENSSH PRIVATE KEY-----\nline\\2\n-----END OPENSSH PRIVATE KEY-----\n',
    );
    expect(await get('user-data', 'write_files.0.content')).toBe('a: b\n"c"\n');
    expect(await get('user-data', 'write_files.0.permissions')).toBe('0600');
    expect(await get('network-config', 'ethernets.eth0.match.macaddress')).toBe(
      '52:54:00:00:00:07',
    );
    expect(await get('network-config', 'ethernets.eth0.addresses.0')).toBe('10.213.0.107/24');
    await expect(get('user-data', 'no.such.key')).rejects.toThrow();
  });
});
