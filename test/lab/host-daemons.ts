import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { LAB, hostAddress, hostName, hostNetns } from './config';
import { libvirtConf, sshdConfig } from './daemon-config';
import { run, sleep, spawnDetached } from './exec';
import type { LabHost } from './state';
import { generateKey, type KeyPair } from './ssh-keys';

/** Host-private directories bind-mounted over the machine's own (the host's "disk"). */
const PRIVATE_DIRS = {
  'etc-libvirt': '/etc/libvirt',
  'var-lib-libvirt': '/var/lib/libvirt',
  'log-libvirt': '/var/log/libvirt',
  'cache-libvirt': '/var/cache/libvirt',
  'root-ssh': '/root/.ssh',
} as const;

/** Runs a command inside host namespaces held by `anchorPid` (mount, UTS and network). */
export function inHost(
  anchorPid: number,
  cmd: string,
  args: readonly string[],
): ReturnType<typeof run> {
  return run('nsenter', ['-t', String(anchorPid), '-m', '-u', '-n', '--', cmd, ...args]);
}

/** Host `i`'s files before its daemons start: configs, its SSH host key. */
export interface PreparedHost {
  index: number;
  dir: string;
  uuid: string;
  hostKey: KeyPair;
}

/**
 * Writes host `i`'s private tree: fresh /etc/libvirt (never a copy of the machine's, which would
 * carry its domains), libvirtd.conf with a distinct host_uuid, qemu.conf for a cgroup-less,
 * label-less TCG host, an sshd_config bound to the host's address, and an SSH host key.
 */
export async function prepareHost(i: number, labDir: string): Promise<PreparedHost> {
  const dir = join(labDir, 'hosts', `h${i}`);
  for (const sub of Object.keys(PRIVATE_DIRS))
    mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'log-libvirt', 'qemu'), { recursive: true });
  mkdirSync(join(dir, 'var-lib-libvirt', 'images'), { recursive: true });
  mkdirSync(join(dir, 'sshd'), { recursive: true, mode: 0o700 });
  const uuid = randomUUID();
  const addr = hostAddress(i);
  writeFileSync(
    join(dir, 'etc-libvirt', 'libvirtd.conf'),
    libvirtConf({
      host_uuid: uuid,
      listen_tls: false,
      listen_tcp: false,
      unix_sock_group: 'root',
      unix_sock_rw_perms: '0700',
      auth_unix_ro: 'none',
      auth_unix_rw: 'none',
      log_outputs: '3:file:/var/log/libvirt/libvirtd.log',
    }),
  );
  writeFileSync(
    join(dir, 'etc-libvirt', 'qemu.conf'),
    libvirtConf({
      // No systemd, no cgroup delegation, no AppArmor here (measured).
      cgroup_controllers: [],
      security_driver: 'none',
      user: 'root',
      group: 'root',
      dynamic_ownership: false,
      remember_owner: false,
      migration_address: addr,
      migration_host: addr,
      stdio_handler: 'logd',
    }),
  );
  const hostKey = await generateKey(join(dir, 'sshd', 'ssh_host_ed25519_key'), hostName(i));
  writeFileSync(
    join(dir, 'sshd', 'sshd_config'),
    sshdConfig({
      ListenAddress: `${addr}:22`,
      HostKey: hostKey.privateKey,
      PidFile: '/run/sshd.pid',
      PermitRootLogin: 'prohibit-password',
      PasswordAuthentication: 'no',
      KbdInteractiveAuthentication: 'no',
      UsePAM: 'no',
      UseDNS: 'no',
      AuthorizedKeysFile: '/root/.ssh/authorized_keys',
      Subsystem: 'sftp /usr/lib/openssh/sftp-server',
      MaxStartups: '30:50:100',
    }),
  );
  return { index: i, dir, uuid, hostKey };
}

/**
 * Gives a host its lab identity for SSH: the lab's client key (for p2p migration to other hosts),
 * authorized_keys and known_hosts. Written after all hosts' keys exist.
 */
export function writeHostSsh(host: PreparedHost, clientKey: KeyPair, knownHosts: string): void {
  const ssh = join(host.dir, 'root-ssh');
  chmodSync(ssh, 0o700);
  copyFileSync(clientKey.privateKey, join(ssh, 'id_ed25519'));
  chmodSync(join(ssh, 'id_ed25519'), 0o600);
  copyFileSync(clientKey.publicKey, join(ssh, 'id_ed25519.pub'));
  writeFileSync(join(ssh, 'authorized_keys'), `${clientKey.publicLine}\n`, { mode: 0o600 });
  writeFileSync(join(ssh, 'known_hosts'), knownHosts, { mode: 0o644 });
}

/**
 * Starts host `i`: an anchor process in the host's network namespace that owns fresh mount and UTS
 * namespaces; inside them a hostname, tmpfs /run, the netns's own sysfs and the private dirs
 * bind-mounted; then virtlogd, libvirtd (listening only on its UNIX socket) and sshd.
 */
export async function startHost(host: PreparedHost): Promise<LabHost> {
  const i = host.index;
  const ns = hostNetns(i);
  const anchorPid = spawnDetached('nsenter', [
    `--net=/run/netns/${ns}`,
    '--',
    'unshare',
    '--mount',
    '--uts',
    '--propagation',
    'private',
    '--',
    'sleep',
    'infinity',
  ]);
  await waitForOwnMountNs(anchorPid);
  const sh = (cmd: string, ...args: string[]): ReturnType<typeof run> =>
    inHost(anchorPid, cmd, args);
  await sh('hostname', hostName(i));
  await sh('mount', '-t', 'tmpfs', '-o', 'mode=755', 'tmpfs', '/run');
  await sh('mount', '-t', 'sysfs', 'sysfs', '/sys');
  for (const [sub, target] of Object.entries(PRIVATE_DIRS)) {
    await sh('mkdir', '-p', target);
    await sh('mount', '--bind', join(host.dir, sub), target);
  }
  // /run/lock too: virsh console on a host takes a pty lock there (/var/lock -> /run/lock).
  await sh('mkdir', '-p', '/run/sshd', '/run/libvirt', '/run/lock');
  await sh('virtlogd', '-d', '-p', '/run/virtlogd.pid');
  await sh('libvirtd', '-d', '-p', '/run/libvirtd.pid');
  await sh('/usr/sbin/sshd', '-f', join(host.dir, 'sshd', 'sshd_config'));
  const pids = {
    virtlogd: await readPidFile(anchorPid, 'virtlogd.pid'),
    libvirtd: await readPidFile(anchorPid, 'libvirtd.pid'),
    sshd: await readPidFile(anchorPid, 'sshd.pid'),
  };
  await waitForSocket(anchorPid);
  await ensureDefaultPool(anchorPid);
  return {
    index: i,
    name: hostName(i),
    address: hostAddress(i),
    sshPort: 22,
    user: 'root',
    uuid: host.uuid,
    libvirtUri: `qemu+ssh://root@${hostAddress(i)}/system`,
    netns: ns,
    anchorPid,
    pids,
    dir: host.dir,
  };
}

async function waitForOwnMountNs(pid: number): Promise<void> {
  const mine = readlinkSync('/proc/self/ns/mnt');
  for (let t = 0; t < 100; t++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/mnt`) !== mine) return;
    } catch {
      throw new Error(`lab host anchor ${pid} died before entering its namespaces`);
    }
    await sleep(20);
  }
  throw new Error(`lab host anchor ${pid} never entered its namespaces`);
}

// The pid files live in the host's tmpfs /run; /proc/<pid>/root sees that mount namespace.
async function readPidFile(anchorPid: number, name: string): Promise<number> {
  for (let t = 0; t < 100; t++) {
    try {
      const pid = Number(readFileSync(`/proc/${anchorPid}/root/run/${name}`, 'utf8').trim());
      if (pid > 0) return pid;
    } catch {
      // not written yet
    }
    await sleep(50);
  }
  throw new Error(`lab host: no /run/${name} after start`);
}

async function waitForSocket(anchorPid: number): Promise<void> {
  let last: unknown;
  for (let t = 0; t < 100; t++) {
    try {
      await inHost(anchorPid, 'virsh', ['-c', 'qemu:///system', 'version']);
      return;
    } catch (err) {
      last = err;
      await sleep(100);
    }
  }
  throw new Error(`libvirtd did not answer on its socket: ${String(last)}`);
}

/** Defines, builds, starts and autostarts the "default" dir pool at /var/lib/libvirt/images. */
async function ensureDefaultPool(anchorPid: number): Promise<void> {
  const virsh = (...args: string[]): ReturnType<typeof run> =>
    inHost(anchorPid, 'virsh', ['-q', '-c', 'qemu:///system', ...args]);
  const { stdout } = await virsh('pool-list', '--all', '--name');
  if (!stdout.split('\n').some((l) => l.trim() === 'default')) {
    await virsh('pool-define-as', 'default', 'dir', '--target', '/var/lib/libvirt/images');
  }
  await virsh('pool-build', 'default').catch(() => undefined);
  const info = await virsh('pool-info', 'default');
  if (!/State:\s+running/.test(info.stdout)) await virsh('pool-start', 'default');
  await virsh('pool-autostart', 'default');
}

/** Sanity limits on the host count. */
export function checkHostCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > LAB.maxHosts) {
    throw new Error(`--hosts must be 1..${LAB.maxHosts}, got ${n}`);
  }
}

/**
 * libvirtd probes QEMU's capabilities (~7 s under TCG) on first start and caches the result in
 * /var/cache/libvirt. Every lab host runs the same QEMU on the same kernel, so the probe from one
 * host is valid for all: copy it in before start, save it after (libvirtd re-probes by itself if
 * QEMU, libvirt or the kernel changed).
 */
export function seedCapsCache(host: PreparedHost, shared: string): void {
  const dir = join(host.dir, 'cache-libvirt', 'qemu', 'capabilities');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(shared)) return;
  for (const f of readdirSync(shared))
    if (f.endsWith('.xml')) copyFileSync(join(shared, f), join(dir, f));
}

/** Saves a started host's capability cache for the next hosts and the next `up`. */
export function saveCapsCache(host: PreparedHost, shared: string): void {
  const dir = join(host.dir, 'cache-libvirt', 'qemu', 'capabilities');
  if (!existsSync(dir)) return;
  mkdirSync(shared, { recursive: true });
  for (const f of readdirSync(dir))
    if (f.endsWith('.xml')) copyFileSync(join(dir, f), join(shared, f));
}
