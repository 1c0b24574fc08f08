import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive, run, sleep } from './exec';
import { inHost } from './host-daemons';
import { withLabLock } from './lab-lock';
import { readLabState, writeLabState, type LabHost } from './state';

/**
 * Stops and starts one lab host's libvirtd or sshd the way `up` started them (inside the host's
 * namespaces, same pid files), for fault tests. A restarted daemon has a new pid: it is written
 * back to the lab's state file, or the next `up` would think the lab broken and rebuild it.
 */

type Daemon = 'libvirtd' | 'sshd';

/** The daemon's pid now, from its pid file in the host's private /run. */
export function daemonPid(host: LabHost, daemon: Daemon): number | undefined {
  try {
    const pid = Number(
      readFileSync(`/proc/${host.anchorPid}/root/run/${daemon}.pid`, 'utf8').trim(),
    );
    return pid > 0 && processAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `signal` to the daemon and waits until it has exited. No-op when it is not running. */
export async function stopDaemon(
  host: LabHost,
  daemon: Daemon,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  const pid = daemonPid(host, daemon);
  if (pid === undefined) return;
  process.kill(pid, signal);
  for (let t = 0; t < 300 && processAlive(pid); t++) await sleep(50);
  if (processAlive(pid)) throw new Error(`${daemon} ${pid} on ${host.name} did not exit`);
}

/**
 * Starts the daemon unless it runs, waits until it serves (libvirtd: virsh answers on its socket;
 * sshd: its pid file names a live process), records the pid and returns when it answered.
 */
export async function startDaemon(host: LabHost, daemon: Daemon): Promise<{ answeredAt: number }> {
  if (daemonPid(host, daemon) === undefined) {
    // A killed daemon leaves its pid file behind; the new one writes it afresh.
    if (daemon === 'libvirtd')
      await inHost(host.anchorPid, 'libvirtd', ['-d', '-p', '/run/libvirtd.pid']);
    else
      await inHost(host.anchorPid, '/usr/sbin/sshd', ['-f', join(host.dir, 'sshd', 'sshd_config')]);
  }
  let answeredAt = 0;
  for (let t = 0; t < 200 && !answeredAt; t++) {
    if (daemon === 'libvirtd') {
      const ok = await inHost(host.anchorPid, 'virsh', ['-c', 'qemu:///system', 'version']).then(
        () => true,
        () => false,
      );
      if (ok) answeredAt = Date.now();
    } else if (daemonPid(host, daemon) !== undefined) {
      answeredAt = Date.now();
    }
    if (!answeredAt) await sleep(50);
  }
  const pid = daemonPid(host, daemon);
  if (!answeredAt || pid === undefined) throw new Error(`${daemon} on ${host.name} did not start`);
  await recordPid(host, daemon, pid);
  return { answeredAt };
}

async function recordPid(host: LabHost, daemon: Daemon, pid: number): Promise<void> {
  host.pids[daemon] = pid;
  await withLabLock(async () => {
    const state = readLabState();
    const mine = state?.hosts.find((h) => h.name === host.name && h.anchorPid === host.anchorPid);
    if (!state || !mine || mine.pids[daemon] === pid) return;
    mine.pids[daemon] = pid;
    writeLabState(state);
  });
}

/**
 * The sshd processes of a host's per-connection sessions whose client is one of `localPorts` on
 * the lab's root address: what serves Corral's connections there (from the host's point of view).
 */
export async function sshdSessionsFrom(
  host: LabHost,
  clientAddress: string,
  localPorts: ReadonlySet<number>,
): Promise<number[]> {
  const { stdout } = await run('ip', [
    'netns',
    'exec',
    host.netns,
    'ss',
    '-tnpH',
    'state',
    'established',
    '( sport = :22 )',
  ]);
  const pids = new Set<number>();
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // Recv-Q Send-Q Local Peer Process (the state column is left out when filtering by state).
    const peer = cols[3] ?? '';
    const at = peer.lastIndexOf(':');
    if (peer.slice(0, at) !== clientAddress || !localPorts.has(Number(peer.slice(at + 1))))
      continue;
    for (const m of line.matchAll(/pid=(\d+)/g)) pids.add(Number(m[1]));
  }
  return [...pids];
}

/** This process's established TCP connections to `address:port`, by local port. */
export async function ownConnectionsTo(address: string, port: number): Promise<Set<number>> {
  const { stdout } = await run('ss', ['-tnpH', 'state', 'established', `( dport = :${port} )`]);
  const ports = new Set<number>();
  for (const line of stdout.split('\n')) {
    if (!new RegExp(`pid=${process.pid},`).test(line)) continue;
    const [, , local = '', peer = ''] = line.trim().split(/\s+/);
    if (peer !== `${address}:${port}`) continue;
    ports.add(Number(local.slice(local.lastIndexOf(':') + 1)));
  }
  return ports;
}
