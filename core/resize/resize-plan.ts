import { CorralError } from '../../api/errors';
import type { HostFacts, Vm } from '../../api/inventory-api';
import type { ResizeChange } from '../../api/resize-api';

const KiB_PER_MiB = 1024;
const GiB = 1024 ** 3;

/** A VM's sizes as Corral knows them before it asks the host anything (the inventory's copy). */
export interface VmSizes {
  name: string;
  /** Running or paused: changes within the maximums apply live. */
  running: boolean;
  memoryKiB: number;
  maxMemoryKiB: number;
  vcpus: number;
  maxVcpus: number;
  /** The system disk (the first disk): its target and, when known, its capacity. */
  disk?: { target: string; capacityBytes?: number };
}

/** What a host offers (the inventory's facts). */
export type HostRoom = Pick<HostFacts, 'hostname' | 'cpus' | 'memoryKiB' | 'freeMemoryKiB'>;

/**
 * What a resize does to one VM, decided before any libvirt call. `live`: applied to the running
 * VM (and its definition); otherwise only the definition changes, which the VM gets at its next
 * boot. `raiseMax`: the definition's ceiling goes up first (a running VM's ceiling cannot).
 */
export interface ResizePlan {
  memory?: { kib: number; live: boolean; raiseMaxKiB?: number };
  vcpus?: { count: number; live: boolean; raiseMax?: number; from: number };
  /** `fromBytes` undefined: the runner reads the size and refuses a shrink before resizing. */
  disk?: { target: string; bytes: number; live: boolean; fromBytes?: number };
}

/** The inventory's VM as the sizes a plan starts from. */
export function vmSizes(vm: Vm): VmSizes {
  const disk = vm.disks.find((d) => (d.device ?? 'disk') === 'disk');
  return {
    name: vm.name,
    running: vm.state === 'running' || vm.state === 'paused' || vm.state === 'blocked',
    // The definition's size, when a resize is already waiting for the next boot.
    memoryKiB: vm.memoryKiB,
    maxMemoryKiB: vm.maxMemoryKiB,
    vcpus: vm.vcpus,
    maxVcpus: vm.maxVcpus ?? vm.vcpus,
    ...(disk
      ? {
          disk: {
            target: disk.target,
            ...(disk.capacityBytes !== undefined ? { capacityBytes: disk.capacityBytes } : {}),
          },
        }
      : {}),
  };
}

function mib(kib: number): string {
  return `${Math.round(kib / KiB_PER_MiB)} MiB`;
}

function gib(bytes: number): string {
  const g = bytes / GiB;
  return `${Number.isInteger(g) ? g : g.toFixed(2)} GiB`;
}

function refuse(message: string): never {
  throw new CorralError('bad-request', message);
}

/**
 * Checks a resize against the VM and its host and decides how each part applies. Throws a
 * `bad-request` naming the reason for: more memory or vCPUs than the host has, growing memory
 * live by more than the host has free, a smaller disk, a disk of unknown target. Pure: no call.
 */
export function planResize(vm: VmSizes, change: ResizeChange, host: HostRoom): ResizePlan {
  const plan: ResizePlan = {};
  if (change.memoryMiB !== undefined) {
    const kib = change.memoryMiB * KiB_PER_MiB;
    if (kib > host.memoryKiB) {
      refuse(
        `${vm.name} cannot have ${mib(kib)}: its host ${host.hostname} has ${mib(host.memoryKiB)} in all`,
      );
    }
    const live = vm.running && kib <= vm.maxMemoryKiB;
    if (live && kib - vm.memoryKiB > host.freeMemoryKiB) {
      refuse(
        `${vm.name} cannot grow by ${mib(kib - vm.memoryKiB)} now: its host ${host.hostname} has ${mib(host.freeMemoryKiB)} free`,
      );
    }
    if (kib !== vm.memoryKiB || kib > vm.maxMemoryKiB) {
      plan.memory = { kib, live, ...(kib > vm.maxMemoryKiB ? { raiseMaxKiB: kib } : {}) };
    }
  }
  if (change.vcpus !== undefined) {
    const count = change.vcpus;
    if (count > host.cpus) {
      refuse(
        `${vm.name} cannot have ${count} vCPUs: its host ${host.hostname} has ${host.cpus} CPUs`,
      );
    }
    if (count !== vm.vcpus || count > vm.maxVcpus) {
      plan.vcpus = {
        count,
        // Fewer vCPUs wait for the next boot: unplugging needs the guest's cooperation, and
        // QEMU's TCG never frees an unplugged vCPU's translation context, so plugging one back
        // in later would abort QEMU.
        live: vm.running && count > vm.vcpus && count <= vm.maxVcpus,
        from: vm.vcpus,
        ...(count > vm.maxVcpus ? { raiseMax: count } : {}),
      };
    }
  }
  if (change.diskGiB !== undefined) {
    const bytes = change.diskGiB * GiB;
    if (!vm.disk) refuse(`${vm.name} has no disk to resize`);
    const from = vm.disk.capacityBytes;
    if (from !== undefined) refuseShrink(vm.name, vm.disk.target, from, bytes);
    if (from === undefined || bytes > from) {
      plan.disk = {
        target: vm.disk.target,
        bytes,
        live: vm.running,
        ...(from !== undefined ? { fromBytes: from } : {}),
      };
    }
  }
  return plan;
}

/**
 * Disks only grow: libvirt would cut a disk shorter (block resize has no guard) and take the end
 * of the guest's file system with it. Throws the reason; returns when `bytes` is not smaller.
 */
export function refuseShrink(name: string, target: string, fromBytes: number, bytes: number) {
  if (bytes < fromBytes) {
    refuse(
      `${name}: disk ${target} is ${gib(fromBytes)} and cannot shrink to ${gib(bytes)}; disks only grow (shrinking would cut off the end of the guest's file system)`,
    );
  }
}

/** Whether a plan leaves something for the next boot (shown as pending until then). */
export function leavesPending(plan: ResizePlan, running: boolean): boolean {
  return (
    running && ((plan.memory && !plan.memory.live) || (plan.vcpus && !plan.vcpus.live)) === true
  );
}

/** One line saying what a plan does ("memory 512 MiB live, 2 vCPUs at next boot, disk 4 GiB"). */
export function describePlan(plan: ResizePlan, running: boolean): string {
  const when = (live: boolean) => (live ? 'live' : running ? 'at next boot' : 'in its definition');
  const parts = [
    plan.memory && `memory ${mib(plan.memory.kib)} ${when(plan.memory.live)}`,
    plan.vcpus && `${plan.vcpus.count} vCPUs ${when(plan.vcpus.live)}`,
    plan.disk && `disk ${gib(plan.disk.bytes)} ${plan.disk.live ? 'live' : 'offline'}`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? parts.join(', ') : 'already that size';
}
