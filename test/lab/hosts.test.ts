import { describe, expect, it } from 'vitest';
import { run } from './exec';
import { hostSsh } from './guest';
import { labStatus } from './lab';
import { currentLab } from './lab-fixture';

describe('lab hosts', () => {
  it('each host answers over SSH with its own hostname and host UUID', async () => {
    const lab = currentLab();
    expect(lab.hosts.length).toBeGreaterThanOrEqual(2);
    const uuids = new Set<string>();
    for (const h of lab.hosts) {
      // Strict host key checking against the lab's known_hosts (see the lab ssh_config).
      const { stdout: name } = await hostSsh(lab, h, ['hostname']);
      expect(name.trim()).toBe(h.name);
      const { stdout: caps } = await hostSsh(lab, h, [
        'virsh',
        '-c',
        'qemu:///system',
        'capabilities',
      ]);
      const uuid = /<host>\s*<uuid>([0-9a-f-]+)<\/uuid>/.exec(caps)?.[1];
      expect(uuid).toBe(h.uuid);
      uuids.add(h.uuid);
    }
    expect(uuids.size).toBe(lab.hosts.length);
  });

  it('serves libvirt over SSH at the URI `status` prints, verifying the host key', async () => {
    const lab = currentLab();
    for (const h of lab.hosts) {
      // libvirt's libssh transport: the daemon's UNIX socket inside the host, reached through sshd.
      const uri = `${h.libvirtUri.replace('qemu+ssh://', 'qemu+libssh://')}?keyfile=${lab.sshKey}&known_hosts=${lab.knownHosts}&known_hosts_verify=normal&sshauth=privkey`;
      const { stdout } = await run('virsh', ['-c', uri, 'hostname']);
      expect(stdout.trim()).toBe(h.name);
      const { stdout: pools } = await run('virsh', ['-c', uri, 'pool-list', '--name']);
      expect(pools.split('\n').map((l) => l.trim())).toContain('default');
    }
  });

  it('refuses a host whose key is not in the lab known_hosts', async () => {
    const lab = currentLab();
    const h = lab.hosts[0]!;
    await expect(
      run('ssh', ['-F', lab.sshConfig, '-o', 'UserKnownHostsFile=/dev/null', h.address, 'true']),
    ).rejects.toThrow(/Host key verification failed/);
  });

  it('status prints address, SSH port, user, key path and libvirt URI per host', async () => {
    const lab = currentLab();
    const text = await labStatus(lab);
    for (const h of lab.hosts) {
      for (const s of [
        h.name,
        h.address,
        `ssh port:    ${h.sshPort}`,
        `user:        ${h.user}`,
        lab.sshKey,
        h.libvirtUri,
      ]) {
        expect(text).toContain(s);
      }
    }
  });
});
