import { LAB } from './config';
import { run } from './exec';
import type { LabHost } from './state';

/**
 * Cuts or restores a lab host's only link, like pulling its cable: the `eth0` uplink inside the
 * host's network namespace goes down, so packets vanish without a FIN or RST and peers notice
 * only through their keepalives. Guests of that host lose the segment too.
 */
export async function setHostLink(host: Pick<LabHost, 'netns'>, up: boolean): Promise<void> {
  await run('ip', ['-n', host.netns, 'link', 'set', 'dev', 'eth0', up ? 'up' : 'down']);
  if (up) {
    // eth0 is br0's port: wait until the bridge forwards again (STP is off, so this is quick).
    for (let t = 0; t < 50; t++) {
      const { stdout } = await run('ip', [
        '-n',
        host.netns,
        '-o',
        'link',
        'show',
        'dev',
        LAB.hostBridge,
      ]);
      if (!stdout.includes('NO-CARRIER') && stdout.includes('state UP')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
