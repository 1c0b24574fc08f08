import { existsSync, mkdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUEST_CACHE_DIR } from '../support/guest-kernel';
import { LAB, LAB_DIR, STATE_FILE, hostAddress, hostName } from './config';
import { processAlive, run, sleep } from './exec';
import {
  checkHostCount,
  prepareHost,
  saveCapsCache,
  seedCapsCache,
  startHost,
  writeHostSsh,
} from './host-daemons';
import { ensureGuestImage } from './image-builder';
import { registerBaseImage } from './base-image-volumes';
import { labSshPaths, writeLabSshConfig } from './lab-ssh';
import {
  createHostNetwork,
  ensureRootBridge,
  forgetNeighbour,
  labNetnsList,
  netnsPids,
  pinBridgeAddress,
  removeLabNetwork,
} from './network';
import { checkPrerequisites } from './prerequisites';
import { otherLeases, releaseLease, takeLease, withLabLock } from './lab-lock';
import { generateKey, knownHostsLine } from './ssh-keys';
import { readLabState, writeLabState, type LabState } from './state';

/** Shared QEMU capability cache of lab hosts (see seedCapsCache). */
const CAPS_CACHE = join(GUEST_CACHE_DIR, 'libvirt-qemu-caps');

/** Options of `up`. */
export interface UpOptions {
  hosts?: number;
  /** Install missing Debian packages (root only) instead of failing with the list. */
  install?: boolean;
  log?: (line: string) => void;
}

/**
 * Brings the lab up, idempotently: a healthy lab with the same host count is left as it is; a
 * partial or different one is taken down first. Builds the guest image if the cache lacks it.
 */
export async function labUp(opts: UpOptions = {}): Promise<LabState> {
  const n = opts.hosts ?? LAB.defaultHosts;
  const log = opts.log ?? (() => {});
  checkHostCount(n);
  await checkPrerequisites(opts.install ?? false, log);
  takeLease();
  return withLabLock(() => upLocked(n, log));
}

async function upLocked(n: number, log: (line: string) => void): Promise<LabState> {
  const existing = readLabState();
  if (existing && existing.hosts.length === n && (await labHealthy(existing))) {
    // A lab outlives changes to the image recipe: it moves to the current recipe's image (a
    // rebuild removes older images from the cache, so the recorded one may be gone), and a lab
    // started before the base-image volumes existed gets them now (idempotent).
    const image = await ensureGuestImage(log);
    const state = image.key === existing.image.key ? existing : { ...existing, image };
    if (state !== existing) writeLabState(state);
    for (const h of state.hosts) await registerBaseImage(h, state.image);
    // A lab made before bridges kept their uplink's MAC gets that now (idempotent).
    for (const h of state.hosts) {
      if (await pinBridgeAddress(h.netns)) {
        await forgetNeighbour(
          h.address,
          state.hosts.map((x) => x.netns),
        );
      }
    }
    log('lab already up');
    return state;
  }
  if (existing || (await labNetnsList()).length > 0) {
    const others = otherLeases();
    if (existing && others.length > 0 && (await labHealthy(existing))) {
      throw new Error(
        `lab is up with ${existing.hosts.length} hosts and in use by pids ${others.join(', ')}; ` +
          `cannot change it to ${n} hosts now`,
      );
    }
    log('taking down a previous or partial lab');
    await downLocked(log);
  }
  const image = await ensureGuestImage(log);
  try {
    mkdirSync(LAB_DIR, { recursive: true, mode: 0o755 });
    const ssh = labSshPaths(LAB_DIR);
    mkdirSync(`${LAB_DIR}/ssh`, { recursive: true, mode: 0o755 });
    const clientKey = await generateKey(ssh.key, 'corral-lab');
    await ensureRootBridge();
    const prepared = [];
    for (let i = 1; i <= n; i++) {
      await createHostNetwork(i);
      prepared.push(await prepareHost(i, LAB_DIR));
    }
    const knownHosts = prepared
      .map(
        (p) =>
          `${knownHostsLine([hostAddress(p.index), hostName(p.index)], p.hostKey.publicLine)}\n`,
      )
      .join('');
    writeFileSync(ssh.knownHosts, knownHosts, { mode: 0o644 });
    const hosts = [];
    for (const p of prepared) {
      writeHostSsh(p, clientKey, knownHosts);
      seedCapsCache(p, CAPS_CACHE);
      hosts.push(await startHost(p));
      saveCapsCache(p, CAPS_CACHE);
      log(`host ${p.index} daemons up`);
    }
    const config = writeLabSshConfig(LAB_DIR, hosts);
    const state: LabState = {
      version: 1,
      createdAt: new Date().toISOString(),
      dir: LAB_DIR,
      network: {
        bridge: LAB.rootBridge,
        address: LAB.rootAddress,
        prefixLength: LAB.prefixLength,
        subnet: `${LAB.subnetPrefix}.0/${LAB.prefixLength}`,
      },
      sshKey: ssh.key,
      sshPublicKey: clientKey.publicLine,
      knownHosts: ssh.knownHosts,
      sshConfig: config,
      image,
      hosts,
    };
    for (const h of hosts) await registerBaseImage(h, image);
    writeLabState(state);
    for (const h of hosts) await waitForSsh(state, h.name);
    log('hosts answer over SSH');
    return state;
  } catch (err) {
    log(`up failed, cleaning up: ${String(err)}`);
    await downLocked(log).catch(() => undefined);
    throw err;
  }
}

/**
 * Stops everything the lab started and removes what it created: every process in a lab network
 * namespace (daemons, guests' QEMU, the anchors) by pid, the namespaces, veths, root bridge and the
 * lab dir. The machine's own libvirtd and anything outside the lab namespaces are never touched.
 */
export async function labDown(
  log: (line: string) => void = () => {},
  opts: { force?: boolean } = {},
): Promise<boolean> {
  releaseLease();
  return withLabLock(async () => {
    const others = otherLeases();
    if (others.length > 0 && !opts.force) {
      log(
        `lab left up: still in use by pids ${others.join(', ')} (down --force to stop it anyway)`,
      );
      return false;
    }
    await downLocked(log);
    return true;
  });
}

/** {@link labDown}'s work; the caller holds the lab lock (see {@link withLabLock}). */
export async function downLocked(log: (line: string) => void = () => {}): Promise<void> {
  const namespaces = await labNetnsList();
  const pids = new Set<number>();
  for (const ns of namespaces) for (const pid of await netnsPids(ns)) pids.add(pid);
  // Anchors of a lab whose netns is already gone are still recorded in the state file.
  for (const h of readLabState()?.hosts ?? []) {
    if (isLabProcess(h.anchorPid, h.netns)) pids.add(h.anchorPid);
  }
  pids.delete(process.pid);
  await killAll([...pids]);
  if (pids.size > 0) log(`stopped ${pids.size} lab processes`);
  await removeLabNetwork();
  rmSync(LAB_DIR, { recursive: true, force: true });
  log('lab down');
}

/** Human-readable status: per host address, port, user, key, libvirt URI and running guests. */
export async function labStatus(state = readLabState()): Promise<string> {
  if (!state) return `no lab is up (no ${STATE_FILE})`;
  const lines = [
    `Corral lab: ${state.hosts.length} hosts on ${state.network.subnet} (bridge ${state.network.bridge})`,
    `  private key: ${state.sshKey}`,
    `  known_hosts: ${state.knownHosts}`,
    `  ssh config:  ssh -F ${state.sshConfig} <host name>`,
  ];
  for (const h of state.hosts) {
    const guests = await runningGuests(state, h.anchorPid).catch((e: unknown) => [
      `(unreachable: ${String(e)})`,
    ]);
    lines.push(
      `${h.name}`,
      `  address:     ${h.address}`,
      `  ssh port:    ${h.sshPort}`,
      `  user:        ${h.user}`,
      `  private key: ${state.sshKey}`,
      `  libvirt URI: ${h.libvirtUri}`,
      `  host UUID:   ${h.uuid}`,
      `  guests:      ${guests.length > 0 ? guests.join(', ') : '(none running)'}`,
    );
  }
  return lines.join('\n');
}

async function runningGuests(_state: LabState, anchorPid: number): Promise<string[]> {
  const { stdout } = await run('nsenter', [
    '-t',
    String(anchorPid),
    '-m',
    '-u',
    '-n',
    '--',
    'virsh',
    '-q',
    '-c',
    'qemu:///system',
    'list',
    '--name',
  ]);
  return stdout.split('\n').filter(Boolean);
}

async function labHealthy(state: LabState): Promise<boolean> {
  for (const h of state.hosts) {
    for (const pid of [h.anchorPid, h.pids.libvirtd, h.pids.virtlogd, h.pids.sshd]) {
      if (!isLabProcess(pid, h.netns)) return false;
    }
  }
  return true;
}

// A pid counts as the lab's only while it still lives in the lab host's network namespace, so a
// recycled pid of an unrelated process is never signalled.
function isLabProcess(pid: number, netns: string): boolean {
  try {
    const nsFile = `/run/netns/${netns}`;
    if (!existsSync(nsFile)) return false;
    return readlinkSync(`/proc/${pid}/ns/net`) === `net:[${statSync(nsFile).ino}]`;
  } catch {
    return false;
  }
}

async function killAll(pids: number[]): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  for (let t = 0; t < 50 && pids.some(processAlive); t++) await sleep(100);
  signal('SIGKILL');
  for (let t = 0; t < 50 && pids.some(processAlive); t++) await sleep(100);
}

/** Waits until a host's sshd accepts the lab key (strict host key checking). */
export async function waitForSsh(state: LabState, target: string): Promise<void> {
  let last: unknown;
  for (let t = 0; t < 50; t++) {
    try {
      await run('ssh', ['-F', state.sshConfig, target, 'true']);
      return;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`lab: ssh to ${target} never succeeded: ${String(last)}`);
}
