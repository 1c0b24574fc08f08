import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bootGuest,
  guestSsh,
  hostSsh,
  hostVirsh,
  removeGuest,
  uploadVolume,
  type LabGuest,
} from './guest';
import { currentLab } from './lab-fixture';
import { join } from 'node:path';

describe('live migration between lab hosts', () => {
  let guest: LabGuest;

  beforeAll(async () => {
    guest = await bootGuest(currentLab(), { name: 'lab-migrant', host: 1 });
    console.error(`lab: ${guest.name} ready ${guest.readyMs} ms after start (alone)`);
  });

  afterAll(async () => {
    const lab = currentLab();
    await removeGuest(lab, guest);
    // The copy on host 2 (removeGuest cleans the host it was booted on).
    const h2 = lab.hosts[1]!;
    for (const args of [
      ['destroy', guest.name],
      ['undefine', guest.name],
      ['vol-delete', '--pool', 'default', `${guest.name}.qcow2`],
      ['vol-delete', '--pool', 'default', `${guest.name}-seed.iso`],
    ]) {
      await hostVirsh(h2, args).catch(() => undefined);
    }
  });

  it('moves a running guest from host 1 to host 2 without a reboot', async () => {
    const lab = currentLab();
    const [h1, h2] = [lab.hosts[0]!, lab.hosts[1]!];
    // Live state that a reboot would lose: a file on tmpfs and the boot id.
    await guestSsh(lab, guest, ['sh', '-c', 'echo before-migration > /run/corral-mark']);
    const bootId = (
      await guestSsh(lab, guest, ['cat', '/proc/sys/kernel/random/boot_id'])
    ).stdout.trim();

    // Private pools: the destination gets its own overlay on the same base (which every host has)
    // and the seed; libvirt then copies only the overlay's data (--copy-storage-inc).
    const dir = join(lab.dir, 'guests', guest.name);
    await hostVirsh(h2, ['vol-create', 'default', join(dir, 'volume.xml')]);
    await uploadVolume(h2, `${guest.name}-seed.iso`, join(dir, 'seed.iso'));

    // Through host 1's sshd, as Corral would; host 1's libvirtd then talks to host 2 itself (p2p).
    await hostSsh(lab, h1, [
      'virsh',
      '-c',
      'qemu:///system',
      'migrate',
      '--live',
      '--p2p',
      '--persistent',
      '--undefinesource',
      '--copy-storage-inc',
      guest.name,
      `qemu+ssh://${h2.address}/system`,
    ]);

    const on2 = (await hostVirsh(h2, ['list', '--name'])).stdout.split('\n');
    const on1 = (await hostVirsh(h1, ['list', '--all', '--name'])).stdout.split('\n');
    expect(on2).toContain(guest.name);
    expect(on1).not.toContain(guest.name);
    const { stdout } = await guestSsh(lab, guest, [
      'sh',
      '-c',
      'hostname; cat /run/corral-mark; cat /proc/sys/kernel/random/boot_id',
    ]);
    expect(stdout.split('\n').slice(0, 3)).toEqual([guest.name, 'before-migration', bootId]);
  });
});
