import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './exec';
import { bootGuest, guestRssKiB, guestSsh, hostPath, removeGuest, type LabGuest } from './guest';
import { READY_MARKER } from './guest-files';
import { currentLab } from './lab-fixture';

describe('lab guests', () => {
  const guests: LabGuest[] = [];

  beforeAll(async () => {
    const lab = currentLab();
    // One guest per host, booted together (well under the 4-boot limit).
    guests.push(
      ...(await Promise.all([
        bootGuest(lab, { name: 'lab-guest-a', host: 1 }),
        bootGuest(lab, { name: 'lab-guest-b', host: 2 }),
      ])),
    );
    for (const g of guests) console.error(`lab: ${g.name} ready ${g.readyMs} ms after start`);
  });

  afterAll(async () => {
    const lab = currentLab();
    for (const g of guests) await removeGuest(lab, g);
  });

  it('boots from a linked clone of the cached base image', async () => {
    const lab = currentLab();
    const g = guests[0]!;
    const host = lab.hosts[g.host - 1]!;
    const { stdout } = await run('qemu-img', [
      'info',
      '-U',
      '--output=json',
      hostPath(host, g.disk),
    ]);
    const info = JSON.parse(stdout) as { format: string; 'backing-filename'?: string };
    expect(info.format).toBe('qcow2');
    expect(info['backing-filename']).toBe(lab.image.base);
    const console = readFileSync(hostPath(host, g.consoleLog), 'utf8');
    expect(console).toContain(`${READY_MARKER} ${g.name}`);
  });

  it('applies its seed: hostname, authorized key, static address, seeded host key', async () => {
    const lab = currentLab();
    for (const g of guests) {
      // StrictHostKeyChecking against the lab known_hosts, which holds the key we seeded.
      const { stdout } = await guestSsh(lab, g, [
        'sh',
        '-c',
        'hostname; cat /root/.ssh/authorized_keys; ip -4 -o addr show dev eth0; cat /etc/ssh/ssh_host_ed25519_key.pub',
      ]);
      const lines = stdout.split('\n');
      expect(lines[0]).toBe(g.name);
      expect(stdout).toContain(lab.sshPublicKey);
      expect(stdout).toContain(`inet ${g.address}/${lab.network.prefixLength}`);
      expect(stdout).toContain(g.hostKey.split(' ').slice(0, 2).join(' '));
    }
  });

  it('guests on different hosts reach each other', async () => {
    const lab = currentLab();
    const [a, b] = [guests[0]!, guests[1]!];
    expect(a.host).not.toBe(b.host);
    const { stdout } = await guestSsh(lab, a, ['busybox', 'ping', '-c', '3', '-W', '5', b.address]);
    expect(stdout).toMatch(/3 packets transmitted, 3 packets received/);
    const back = await guestSsh(lab, b, ['busybox', 'ping', '-c', '1', '-W', '5', a.address]);
    expect(back.stdout).toMatch(/1 packets received/);
  });

  it('keeps a 256 MiB TCG guest near its memory size (translation cache capped)', () => {
    const lab = currentLab();
    const g = guests[0]!;
    const rss = guestRssKiB(lab.hosts[g.host - 1]!, g.name);
    console.error(`lab: ${g.name} QEMU RSS ${(rss / 1024).toFixed(0)} MiB`);
    // Uncapped, TCG alone takes ~1.2 GiB (measured); capped, the whole process stays well below.
    expect(rss).toBeLessThan(512 * 1024);
  });
});
