import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNoCloudSeed, type SeedFile } from '../../core/provisioning/nocloud-seed';
import { LAB } from './config';
import { overlayVolumeXml } from '../../core/clusters/node-blueprint';
import { guestDomainXml } from './domain-xml';
import { run, shellQuote, sleep } from './exec';
import { READY_MARKER } from './guest-files';
import { inHost } from './host-daemons';
import { writeSeedIso } from './seed-disk';
import { generateKey, knownHostsLine } from './ssh-keys';
import type { LabHost, LabState } from './state';

/** A booted lab guest. */
export interface LabGuest {
  name: string;
  /** 1-based index of the host it was defined on. */
  host: number;
  address: string;
  mac: string;
  /** The guest's seeded SSH host key line (also in the lab known_hosts). */
  hostKey: string;
  /** Host-relative paths (inside the host's namespace). */
  disk: string;
  seed: string;
  consoleLog: string;
  /** From `virsh start` to the ready marker, in ms (undefined with noWait). For reports only. */
  readyMs?: number;
}

/** Options for {@link bootGuest}. */
export interface BootOptions {
  /** Host name inside the guest and libvirt domain name. */
  name: string;
  /** 1-based host index; default 1. */
  host?: number;
  /** Last octet of the guest's address; default: the first free one from .100. */
  octet?: number;
  /** Define and start only; do not wait for the ready marker. */
  noWait?: boolean;
  /** Extra files the seed's `write_files` puts in the guest. */
  writeFiles?: SeedFile[];
}

const IMAGES = '/var/lib/libvirt/images';
let booting = 0;

/** virsh on a host, run inside the host's namespaces (the same daemon SSH users reach). */
export function hostVirsh(host: LabHost, args: readonly string[]): ReturnType<typeof run> {
  return inHost(host.anchorPid, 'virsh', ['-q', '-c', 'qemu:///system', ...args]);
}

/** The host's view of a path inside its namespace (its private dirs are bind mounts). */
export function hostPath(host: LabHost, path: string): string {
  return `/proc/${host.anchorPid}/root${path}`;
}

/**
 * Boots a guest on a lab host the way Corral provisions a VM: a qcow2 overlay on the base image
 * (linked clone) created through libvirt's storage API, a NoCloud `cidata` seed (hostname, the
 * lab key, a seeded SSH host key, static address) uploaded as a volume, a TCG domain, then waits
 * for the console's ready marker. The guest's host key goes into the lab's known_hosts.
 */
export async function bootGuest(state: LabState, opts: BootOptions): Promise<LabGuest> {
  const host = state.hosts[(opts.host ?? 1) - 1];
  if (!host) throw new Error(`lab has no host ${opts.host}`);
  const live = await liveGuestCount(state);
  if (live >= LAB.maxLiveGuests)
    throw new Error(`lab: already ${live} live guests (max ${LAB.maxLiveGuests})`);
  while (booting >= LAB.maxConcurrentBoots) await sleep(500);
  booting++;
  try {
    return await boot(state, host, opts);
  } finally {
    booting--;
  }
}

async function boot(state: LabState, host: LabHost, opts: BootOptions): Promise<LabGuest> {
  const octet = opts.octet ?? freeOctet(state);
  const address = `${state.network.address.split('.').slice(0, 3).join('.')}.${octet}`;
  const mac = `52:54:00:d5:00:${octet.toString(16).padStart(2, '0')}`;
  const dir = join(state.dir, 'guests', opts.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Reserve the address before the first await: concurrent boots must not pick the same one.
  writeFileSync(
    join(dir, 'guest.json'),
    JSON.stringify({ name: opts.name, host: host.index, address, mac }),
  );
  const key = await generateKey(join(dir, 'ssh_host_ed25519_key'), opts.name);
  const seedFiles = buildNoCloudSeed({
    instanceId: `corral-lab-${opts.name}-${randomBytes(4).toString('hex')}`,
    hostname: opts.name,
    sshAuthorizedKeys: [state.sshPublicKey],
    hostKey: {
      type: 'ed25519',
      privateKey: readFileSync(key.privateKey, 'utf8'),
      publicKey: key.publicLine,
    },
    writeFiles: opts.writeFiles,
    interfaces: [
      { name: 'eth0', macAddress: mac, addresses: [`${address}/${state.network.prefixLength}`] },
    ],
  });
  const seedLocal = join(dir, 'seed.iso');
  writeSeedIso(seedFiles, seedLocal);

  const virsh = (...args: string[]): ReturnType<typeof run> => hostVirsh(host, args);
  const disk = `${IMAGES}/${opts.name}.qcow2`;
  const seed = `${IMAGES}/${opts.name}-seed.iso`;
  const consoleLog = `/var/log/libvirt/qemu/${opts.name}-console.log`;
  const volXml = join(dir, 'volume.xml');
  writeFileSync(
    volXml,
    overlayVolumeXml(`${opts.name}.qcow2`, 2 * 1024 ** 3, {
      path: state.image.base,
      format: 'qcow2',
    }),
  );
  await virsh('vol-create', 'default', volXml);
  await uploadVolume(host, `${opts.name}-seed.iso`, seedLocal);
  const xml = guestDomainXml({
    name: opts.name,
    memoryMiB: LAB.guestMemoryMiB,
    vcpus: 1,
    kernel: state.image.kernel,
    initrd: state.image.initrd,
    cmdline: state.image.cmdline,
    disk,
    seed,
    mac,
    bridge: LAB.hostBridge,
    consoleLog,
  });
  const xmlFile = join(dir, 'domain.xml');
  writeFileSync(xmlFile, xml);
  await virsh('define', xmlFile);
  writeFileSync(
    join(dir, 'guest.json'),
    JSON.stringify({ name: opts.name, host: host.index, address, mac }),
  );
  addKnownHost(state, [address, opts.name], key.publicLine);
  const started = Date.now();
  await virsh('start', opts.name);
  const guest: LabGuest = {
    name: opts.name,
    host: host.index,
    address,
    mac,
    hostKey: key.publicLine,
    disk,
    seed,
    consoleLog,
  };
  if (!opts.noWait) {
    await waitForReady(state, guest);
    guest.readyMs = Date.now() - started;
  }
  return guest;
}

/** Creates a raw volume in the host's default pool and uploads a local file into it. */
export async function uploadVolume(
  host: LabHost,
  volume: string,
  localFile: string,
): Promise<void> {
  const size = readFileSync(localFile).length;
  await hostVirsh(host, ['vol-create-as', 'default', volume, String(size), '--format', 'raw']);
  await hostVirsh(host, ['vol-upload', '--pool', 'default', volume, localFile]);
}

/**
 * Waits for `CORRAL-READY <name>` on the guest's serial console (virtlogd's copy on whichever host
 * runs it now), the marker its first-boot script prints once sshd listens.
 */
export async function waitForReady(
  state: LabState,
  guest: LabGuest,
  timeoutMs = 240_000,
): Promise<void> {
  const host = state.hosts[guest.host - 1];
  if (!host) throw new Error(`lab has no host ${guest.host}`);
  const file = hostPath(host, guest.consoleLog);
  const marker = `${READY_MARKER} ${guest.name}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.includes(marker)) return;
    await sleep(250);
  }
  const tail = existsSync(file) ? readFileSync(file, 'utf8').slice(-2000) : '(no console log)';
  throw new Error(
    `guest ${guest.name} not ready after ${timeoutMs / 1000} s; console tail:\n${tail}`,
  );
}

/**
 * Runs a command (argument array, quoted for the remote shell) in a guest over SSH with the lab
 * key, verifying the host key the guest was seeded with.
 */
export function guestSsh(
  state: LabState,
  guest: LabGuest,
  command: readonly string[],
): ReturnType<typeof run> {
  return run('ssh', ['-F', state.sshConfig, guest.address, '--', shellQuote(command)]);
}

/** Runs a command (argument array) on a lab host over SSH, as a user of the lab would. */
export function hostSsh(
  state: LabState,
  host: LabHost,
  command: readonly string[],
): ReturnType<typeof run> {
  return run('ssh', ['-F', state.sshConfig, host.address, '--', shellQuote(command)]);
}

/** Destroys and undefines a guest and deletes its volumes, seed and known_hosts entry. */
export async function removeGuest(state: LabState, guest: LabGuest): Promise<void> {
  const host = state.hosts[guest.host - 1];
  if (host) {
    const virsh = (...args: string[]): Promise<unknown> =>
      hostVirsh(host, args).catch(() => undefined);
    await virsh('destroy', guest.name);
    await virsh('undefine', guest.name);
    await virsh('vol-delete', '--pool', 'default', `${guest.name}.qcow2`);
    await virsh('vol-delete', '--pool', 'default', `${guest.name}-seed.iso`);
  }
  removeKnownHost(state, [guest.address, guest.name]);
  rmSync(join(state.dir, 'guests', guest.name), { recursive: true, force: true });
}

/** Names of running guests per host (1-based index order). */
export async function liveGuests(state: LabState): Promise<string[][]> {
  return Promise.all(
    state.hosts.map(async (h) =>
      (await hostVirsh(h, ['list', '--name'])).stdout.split('\n').filter(Boolean),
    ),
  );
}

async function liveGuestCount(state: LabState): Promise<number> {
  return (await liveGuests(state)).flat().length;
}

/** QEMU's resident memory for a running guest, in KiB (VmRSS of its process). */
export function guestRssKiB(host: LabHost, name: string): number {
  const pid = readFileSync(hostPath(host, `/run/libvirt/qemu/${name}.pid`), 'utf8').trim();
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m?.[1]) throw new Error(`no VmRSS for guest ${name}`);
  return Number(m[1]);
}

function freeOctet(state: LabState): number {
  const used = new Set<number>();
  const dir = join(state.dir, 'guests');
  if (existsSync(dir)) {
    for (const g of readdirSync(dir)) {
      const f = join(dir, g, 'guest.json');
      if (existsSync(f))
        used.add(
          Number(
            (JSON.parse(readFileSync(f, 'utf8')) as { address: string }).address.split('.')[3],
          ),
        );
    }
  }
  for (let o = LAB.firstGuestOctet; o < 250; o++) if (!used.has(o)) return o;
  throw new Error('lab: no free guest address');
}

function addKnownHost(state: LabState, names: string[], publicLine: string): void {
  removeKnownHost(state, names);
  const text = readFileSync(state.knownHosts, 'utf8');
  writeFileSync(state.knownHosts, `${text}${knownHostsLine(names, publicLine)}\n`);
}

function removeKnownHost(state: LabState, names: string[]): void {
  if (!existsSync(state.knownHosts)) return;
  const keep = readFileSync(state.knownHosts, 'utf8')
    .split('\n')
    .filter((l) => l && !(l.split(' ')[0] ?? '').split(',').some((n) => names.includes(n)));
  writeFileSync(state.knownHosts, keep.map((l) => `${l}\n`).join(''));
}
