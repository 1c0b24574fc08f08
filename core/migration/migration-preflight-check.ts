import type {
  MigrationBlocker,
  MigrationMode,
  MigrationNotice,
  MigrationPreflight,
} from '../../api/migration-api';
import type { VmState } from '../../api/inventory-api';
import { companionNames, SEED_SUFFIX } from '../images/base-images';
import { CpuCompare } from '../libvirt/connect-cpu';
import type { MigrationFacts, PoolVolume, Read } from './migration-preflight-facts';

/**
 * Room a live copy needs on the target beyond the guest's memory: QEMU itself (its code, device
 * state and, under TCG, a translation cache Corral caps at 64 MiB) plus headroom so the target
 * does not start swapping the moment the copy lands.
 */
export const MEMORY_MARGIN_KIB = 128 * 1024;

/** Formats a base image can be (a linked clone is backed by it). */
const BASE_FORMATS = new Set(['qcow2', 'raw']);

/** States a VM migrates from: live while it runs (or is paused), offline when shut off. */
const LIVE_STATES = new Set<VmState>(['running', 'blocked', 'paused']);

export interface MigrationVerdict {
  mode: MigrationMode;
  blockers: MigrationBlocker[];
  notices: MigrationNotice[];
  storage?: MigrationPreflight['storage'];
}

/**
 * Judges a migration from the facts gathered: every blocker found (not only the first), each
 * naming the figures and what to do, and what the user should know. Pure: same facts, same
 * verdict. A fact that could not be read blocks the check it feeds, naming why.
 */
export function checkMigration(facts: MigrationFacts): MigrationVerdict {
  const blockers: MigrationBlocker[] = [];
  const notices: MigrationNotice[] = [];
  const block = (code: MigrationBlocker['code'], message: string, remedy: string) =>
    blockers.push({ code, message, remedy });
  const { vm, source, target } = facts;
  const src = source.name;
  const dst = target.name;

  if (source.hostId === target.hostId) {
    block('same-host', `${vm.name} already runs on ${dst}`, 'Pick another host as the target');
  }
  if (!source.online) {
    block(
      'source-offline',
      `${src}, the host of ${vm.name}, is not connected`,
      `Reconnect ${src} (Hosts) and check again`,
    );
  }
  if (!target.online) {
    block(
      'target-offline',
      `${dst} is not connected`,
      `Reconnect ${dst} (Hosts) or pick a connected host`,
    );
  }
  if (facts.busyTasks.length > 0) {
    block(
      'vm-busy',
      `${vm.name} is busy: ${facts.busyTasks.join('; ')}`,
      'Wait for that task to finish (or cancel it in Tasks), then migrate',
    );
  }

  const state = known(facts.state, (error) =>
    block('vm-state', `could not read the state of ${vm.name} on ${src}: ${error}`, retry(src)),
  );
  const mode: MigrationMode = state === 'shut-off' ? 'offline' : 'live';
  if (state !== undefined && state !== 'shut-off' && !LIVE_STATES.has(state)) {
    block(
      'vm-state',
      `${vm.name} is ${state}: only a running, paused or shut-off VM can move`,
      state === 'crashed'
        ? `Force ${vm.name} off (it then moves offline) or start it again`
        : `Wait until ${vm.name} has finished ${state === 'shutting-down' ? 'shutting down' : 'changing state'}, or force it off`,
    );
  }

  const domain = known(facts.domain, (error) =>
    block(
      'vm-state',
      `could not read the definition of ${vm.name} on ${src}: ${error}`,
      retry(src),
    ),
  );

  const snapshots = known(facts.snapshots, (error) =>
    block(
      'snapshots',
      `could not list the snapshots of ${vm.name} on ${src}: ${error}`,
      retry(src),
    ),
  );
  if (snapshots && snapshots.length > 0) {
    block(
      'snapshots',
      `${vm.name} has ${plural(snapshots.length, 'snapshot')} (${snapshots.join(', ')}); libvirt moves no VM that has any`,
      `Delete the snapshot${snapshots.length > 1 ? 's' : ''} of ${vm.name} (Snapshots), then migrate`,
    );
  }

  const clash = known(facts.clash, (error) =>
    block('name-clash', `could not look for ${vm.name} on ${dst}: ${error}`, retry(dst)),
  );
  if (clash?.byName !== undefined) {
    block(
      'name-clash',
      `${dst} already has a domain named ${vm.name} (UUID ${clash.byName})`,
      `Rename or remove that domain on ${dst}, or pick another host`,
    );
  }
  if (clash?.byUuid !== undefined && clash.byUuid !== vm.name) {
    block(
      'name-clash',
      `${dst} already has a domain with the UUID of ${vm.name} (${vm.uuid}), named ${clash.byUuid}`,
      `Remove that domain on ${dst}, or pick another host`,
    );
  }

  if (domain) {
    checkCapacity(facts, domain.vcpus, domain.memoryKiB, mode, block);
    checkNetworks(facts, domain.nics, block);
    checkCpu(facts, block);
  }

  const storage = domain ? checkStorage(facts, domain.kernel, domain.initrd, block, notices) : {};

  if (mode === 'offline') {
    notices.push({
      code: 'offline',
      message: `${vm.name} is shut off: its definition and disks move (offline migration) and it stays shut off on ${dst}`,
    });
  } else {
    notices.push({
      code: 'console-reconnect',
      message: `Open consoles of ${vm.name} reconnect by themselves to ${dst} once it has moved`,
    });
  }
  return { mode, blockers, notices, ...(domain ? { storage } : {}) };
}

type Block = (code: MigrationBlocker['code'], message: string, remedy: string) => void;

function checkCapacity(
  facts: MigrationFacts,
  vcpus: number,
  memoryKiB: number,
  mode: MigrationMode,
  block: Block,
): void {
  const { vm } = facts;
  const dst = facts.target.name;
  const cpus = known(facts.targetCpus, (error) =>
    block('vcpus-short', `could not read the CPUs of ${dst}: ${error}`, retry(dst)),
  );
  if (cpus !== undefined && vcpus > cpus) {
    block(
      'vcpus-short',
      `${vm.name} has ${plural(vcpus, 'vCPU')}; ${dst} has ${plural(cpus, 'CPU')}`,
      `Lower the vCPUs of ${vm.name} to ${cpus} or fewer (Resize), or pick a host with more CPUs`,
    );
  }
  const memory = known(facts.targetMemory, (error) =>
    block('memory-short', `could not read the memory of ${dst}: ${error}`, retry(dst)),
  );
  if (!memory) return;
  if (mode === 'live') {
    // A live copy needs its memory at once on the target.
    const need = memoryKiB + MEMORY_MARGIN_KIB;
    if (need > memory.availableKiB) {
      block(
        'memory-short',
        `${dst} has ${mib(memory.availableKiB)} free; ${vm.name} needs ${mib(memoryKiB)} + ${mib(MEMORY_MARGIN_KIB)} for QEMU and headroom = ${mib(need)}`,
        `Free memory on ${dst} (stop or move a VM there), lower the memory of ${vm.name}, or pick another host`,
      );
    }
  } else if (memoryKiB > memory.totalKiB) {
    // An offline move only defines the VM; it must still fit the host to ever start there.
    block(
      'memory-short',
      `${dst} has ${mib(memory.totalKiB)} of memory in all; ${vm.name} needs ${mib(memoryKiB)}`,
      `Lower the memory of ${vm.name} or pick a host with more memory`,
    );
  }
}

function checkNetworks(
  facts: MigrationFacts,
  nics: ReadonlyArray<{ kind: string; source?: string }>,
  block: Block,
): void {
  const { vm } = facts;
  const dst = facts.target.name;
  const bridges = [...new Set(nics.filter((n) => n.kind === 'bridge').map((n) => n.source))];
  const networks = [...new Set(nics.filter((n) => n.kind === 'network').map((n) => n.source))];
  if (bridges.length > 0) {
    const have = known(facts.targetInterfaces, (error) =>
      block('network-missing', `could not list the interfaces of ${dst}: ${error}`, retry(dst)),
    );
    const missing = have && bridges.filter((b) => b === undefined || !have.includes(b));
    if (missing && missing.length > 0) {
      block(
        'network-missing',
        `${dst} has no bridge ${missing.map((b) => b ?? '(unnamed)').join(', ')} (used by ${vm.name})`,
        `Create the bridge ${missing.join(', ')} on ${dst}, or pick a host that has it`,
      );
    }
  }
  if (networks.length > 0) {
    const have = known(facts.targetNetworks, (error) =>
      block('network-missing', `could not list the networks of ${dst}: ${error}`, retry(dst)),
    );
    const missing = have && networks.filter((n) => n === undefined || !have.includes(n));
    if (missing && missing.length > 0) {
      block(
        'network-missing',
        `${dst} has no active libvirt network ${missing.map((n) => n ?? '(unnamed)').join(', ')} (used by ${vm.name})`,
        `Define and start the network ${missing.join(', ')} on ${dst}, or pick a host that has it`,
      );
    }
  }
}

function checkCpu(facts: MigrationFacts, block: Block): void {
  const cpu = facts.cpu;
  if (!cpu || cpu.kind === 'skipped') return;
  const { vm } = facts;
  const dst = facts.target.name;
  const result = known(cpu.result, (error) =>
    block(
      'cpu-incompatible',
      `${dst} cannot run the CPU model ${cpu.model} of ${vm.name}: ${error}`,
      `Pick a host whose hypervisor offers ${cpu.model}, or give ${vm.name} a CPU model both hosts have`,
    ),
  );
  if (result === CpuCompare.INCOMPATIBLE || result === CpuCompare.ERROR) {
    block(
      'cpu-incompatible',
      `${dst} cannot run the CPU of ${vm.name} (model ${cpu.model}): the hypervisor there lacks features it needs`,
      `Pick a host with a compatible CPU, or give ${vm.name} a CPU model both hosts have`,
    );
  }
}

/**
 * Disks: each linked clone is recreated on the target over the target's own copy of its base
 * image (same name, same size), the read-only seed is copied, anything else cannot move.
 */
function checkStorage(
  facts: MigrationFacts,
  kernel: string | undefined,
  initrd: string | undefined,
  block: Block,
  notices: MigrationNotice[],
): NonNullable<MigrationPreflight['storage']> {
  const { vm } = facts;
  const src = facts.source.name;
  const dst = facts.target.name;
  const disks = known(facts.disks, (error) =>
    block('storage', `could not read the disks of ${vm.name} on ${src}: ${error}`, retry(src)),
  );
  const targetStorage = known(facts.targetStorage, (error) =>
    block('base-image-missing', `could not read the storage of ${dst}: ${error}`, retry(dst)),
  );
  if (!disks) return {};
  let copyBytes = 0;
  let targetBackingPath: string | undefined;
  const volumesOn = (name: string) => targetStorage?.volumes.filter((v) => v.name === name) ?? [];
  const clashes = (vol: PoolVolume, what: string) => {
    if (!targetStorage) return;
    if (!targetStorage.pools.includes(vol.pool)) {
      block(
        'storage',
        `${dst} has no active storage pool ${vol.pool} (where ${what} ${vol.name} of ${vm.name} goes)`,
        `Define and start a pool ${vol.pool} on ${dst}, or pick another host`,
      );
    } else if (targetStorage.volumes.some((v) => v.pool === vol.pool && v.name === vol.name)) {
      block(
        'storage',
        `${dst} already has a volume ${vol.name} in pool ${vol.pool}`,
        `Remove that volume on ${dst} if it is a leftover, or pick another host`,
      );
    }
  };

  for (const disk of disks) {
    if (!disk.volume) {
      block(
        'storage',
        `disk ${disk.target} of ${vm.name} (${disk.path}) is in no storage pool of ${src}`,
        'Corral moves only disks that are volumes of a storage pool; detach this disk first',
      );
      continue;
    }
    const vol = disk.volume;
    if (vol.backingPath) {
      copyBytes += vol.allocationBytes;
      clashes(vol, 'the disk');
      const baseName = disk.base?.name ?? basename(vol.backingPath);
      const found = targetStorage && pickBase(volumesOn(baseName), disk.base);
      if (targetStorage && !found) {
        block(
          'base-image-missing',
          `${dst} has no base image ${baseName} (the backing file of disk ${disk.target} of ${vm.name})`,
          `Put the base image ${baseName} into a storage pool of ${dst} (Images), or pick a host that has it`,
        );
      } else if (found && disk.base && found.capacityBytes !== disk.base.capacityBytes) {
        block(
          'base-image-missing',
          `the base image ${baseName} on ${dst} is ${found.capacityBytes} bytes, on ${src} ${disk.base.capacityBytes}: not the same image`,
          `Copy the very base image ${baseName} of ${src} to ${dst}, or pick a host that has it`,
        );
      } else if (found) {
        targetBackingPath ??= found.path;
        checkCompanions(baseName, kernel, initrd, volumesOn, facts, block);
      }
      notices.push({
        code: 'disk-copy',
        message: `${mib(vol.allocationBytes / 1024)} of disk ${disk.target} (what ${vm.name} wrote over ${baseName}) is copied to ${dst}`,
      });
    } else if (disk.readonly && vol.name.endsWith(SEED_SUFFIX)) {
      clashes(vol, 'the seed');
      notices.push({
        code: 'seed-copy',
        message: `The seed ${vol.name} (${mib(vol.capacityBytes / 1024)}) is copied to ${dst}`,
      });
    } else {
      block(
        'storage',
        `disk ${disk.target} of ${vm.name} (${vol.name}) is not a linked clone of a base image`,
        'Corral moves linked clones (and their seed) only; move this VM with its storage by hand',
      );
    }
  }
  return {
    ...(targetBackingPath !== undefined ? { targetBackingPath } : {}),
    copyBytes,
  };
}

/** A direct-kernel-boot image's kernel and initrd must be on the target as well. */
function checkCompanions(
  baseName: string,
  kernel: string | undefined,
  initrd: string | undefined,
  volumesOn: (name: string) => PoolVolume[],
  facts: MigrationFacts,
  block: Block,
): void {
  const names = companionNames(baseName);
  for (const [path, name] of [
    [kernel, names.kernel],
    [initrd, names.initrd],
  ] as const) {
    if (path === undefined || basename(path) !== name) continue;
    if (volumesOn(name).length === 0) {
      block(
        'base-image-missing',
        `${facts.target.name} has the base image ${baseName} but not its ${name} (${facts.vm.name} boots it)`,
        `Put ${name} next to ${baseName} on ${facts.target.name} (Images), or pick a host that has it`,
      );
    }
  }
}

/** The target's base image of that name: a base (not itself a clone), the source's pool first. */
function pickBase(
  candidates: PoolVolume[],
  sourceBase: PoolVolume | undefined,
): PoolVolume | undefined {
  const bases = candidates.filter((v) => BASE_FORMATS.has(v.format) && !v.backingPath);
  return bases.find((v) => v.pool === sourceBase?.pool) ?? bases[0];
}

/** The value of a read; on a failure, `failed` is told why and undefined comes back. */
function known<T>(read: Read<T> | undefined, failed: (error: string) => void): T | undefined {
  if (!read) return undefined;
  if (read.ok) return read.value;
  failed(read.error);
  return undefined;
}

function retry(host: string): string {
  return `Check that ${host} answers (Hosts), then check again`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** KiB as MiB for people: whole MiB, one decimal below 10. */
export function mib(kib: number): string {
  const m = kib / 1024;
  return `${m < 10 && m !== Math.trunc(m) ? m.toFixed(1) : Math.round(m)} MiB`;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
