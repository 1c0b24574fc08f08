import { ResizeChange } from '../../../api/resize-api';
import type { HostFacts, Vm } from '../../../api/inventory-api';

/**
 * What a resize starts from: the sizes now, the maximums a running VM can reach live, and the
 * host's size (no VM gets more than its host has). For a cluster, the values that bind every node.
 */
export interface ResizeCurrent {
  memoryMiB?: number;
  /** The most memory the VM can reach live; more applies at the next boot. */
  maxMemoryMiB?: number;
  vcpus?: number;
  maxVcpus?: number;
  diskGiB?: number;
  /** Live changes apply only to a running VM (for a cluster: any node running). */
  running: boolean;
  hostCpus?: number;
  hostMemoryMiB?: number;
}

/** The form's text, as typed. */
export interface ResizeFields {
  memoryMiB: string;
  vcpus: string;
  diskGiB: string;
}
export type ResizeField = keyof ResizeFields;

/** Each field's problem, and `form` for one that belongs to no field. */
export type ResizeErrors = Partial<Record<ResizeField | 'form', string>>;

const KIB_PER_MIB = 1024;
const GIB = 1024 ** 3;

/** The first real disk (not a CD-ROM): the one a resize grows. */
function systemDiskGiB(vm: Vm): number | undefined {
  const disk = vm.disks.find((d) => (d.device ?? 'disk') === 'disk');
  return disk?.capacityBytes === undefined ? undefined : Math.round(disk.capacityBytes / GIB);
}

const isRunning = (vm: Vm) => !vm.stale && (vm.state === 'running' || vm.state === 'paused');

/** One VM's starting point. */
export function currentOfVm(vm: Vm, host?: HostFacts): ResizeCurrent {
  return {
    memoryMiB: Math.round(vm.memoryKiB / KIB_PER_MIB),
    maxMemoryMiB: Math.round(vm.maxMemoryKiB / KIB_PER_MIB),
    vcpus: vm.vcpus,
    maxVcpus: vm.maxVcpus,
    diskGiB: systemDiskGiB(vm),
    running: isRunning(vm),
    hostCpus: host?.cpus,
    hostMemoryMiB: host ? Math.floor(host.memoryKiB / KIB_PER_MIB) : undefined,
  };
}

const minOf = (xs: Array<number | undefined>) => {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? Math.min(...known) : undefined;
};
const maxOf = (xs: Array<number | undefined>) => {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? Math.max(...known) : undefined;
};

/**
 * A cluster's starting point from its nodes: the first node's sizes (nodes share a shape), the
 * smallest maximum and host (what every node can take), the largest disk (no node may shrink).
 */
export function currentOfCluster(
  nodes: readonly Vm[],
  hosts: Readonly<Record<string, HostFacts>>,
): ResizeCurrent {
  const first = [...nodes].sort(
    (a, b) => (a.membership?.index ?? 0) - (b.membership?.index ?? 0),
  )[0];
  const each = nodes.map((vm) => currentOfVm(vm, hosts[vm.hostId]));
  return {
    memoryMiB: first ? Math.round(first.memoryKiB / KIB_PER_MIB) : undefined,
    vcpus: first?.vcpus,
    maxMemoryMiB: minOf(each.map((c) => c.maxMemoryMiB)),
    maxVcpus: minOf(each.map((c) => c.maxVcpus)),
    diskGiB: maxOf(each.map((c) => c.diskGiB)),
    running: each.some((c) => c.running),
    hostCpus: minOf(each.map((c) => c.hostCpus)),
    hostMemoryMiB: minOf(each.map((c) => c.hostMemoryMiB)),
  };
}

/** The form as it opens: the current sizes. */
export function initialFields(current: ResizeCurrent): ResizeFields {
  const text = (n?: number) => (n === undefined ? '' : String(n));
  return {
    memoryMiB: text(current.memoryMiB),
    vcpus: text(current.vcpus),
    diskGiB: text(current.diskGiB),
  };
}

/** A whole number as typed, or NaN (so "1.5", "2x" or "" never pass as something else). */
function whole(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : Number.NaN;
}

/** Bound messages in the units each field is in. */
const UNIT: Record<ResizeField, string> = { memoryMiB: ' MiB', vcpus: '', diskGiB: ' GiB' };

/**
 * The request the form stands for (only what changed), or why not, before anything is sent:
 * bounds of the contract, more than the host has, and a disk smaller than it is now.
 */
export function resizeRequest(
  fields: ResizeFields,
  current: ResizeCurrent,
): { change?: ResizeChange; errors: ResizeErrors } {
  const errors: ResizeErrors = {};
  const change: Record<string, number> = {};
  for (const key of ['memoryMiB', 'vcpus', 'diskGiB'] as const) {
    const text = fields[key].trim();
    if (text === '') continue;
    const n = whole(text);
    if (Number.isNaN(n)) {
      errors[key] = 'enter a whole number';
      continue;
    }
    const parsed = ResizeChange.shape[key].safeParse(n);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const bound = 'minimum' in issue ? `at least ${Number(issue.minimum)}` : undefined;
      const top = 'maximum' in issue ? `at most ${Number(issue.maximum)}` : undefined;
      errors[key] = `${bound ?? top ?? issue.message}${bound || top ? UNIT[key] : ''}`;
      continue;
    }
    if (n !== current[key]) change[key] = n;
  }
  const { memoryMiB, vcpus, diskGiB } = change;
  if (diskGiB !== undefined && current.diskGiB !== undefined && diskGiB < current.diskGiB) {
    errors.diskGiB = `a disk only grows: it has ${current.diskGiB} GiB now, and a smaller disk would cut off its file system`;
  }
  if (vcpus !== undefined && current.hostCpus !== undefined && vcpus > current.hostCpus) {
    errors.vcpus = `the host has only ${current.hostCpus} CPUs`;
  }
  if (
    memoryMiB !== undefined &&
    current.hostMemoryMiB !== undefined &&
    memoryMiB > current.hostMemoryMiB
  ) {
    errors.memoryMiB = `the host has only ${current.hostMemoryMiB} MiB of memory`;
  }
  if (Object.keys(errors).length) return { errors };
  if (Object.keys(change).length === 0) {
    return { errors: { form: 'Change at least one size: memory, vCPUs or disk.' } };
  }
  return { change: change as ResizeChange, errors };
}

/** Whether the typed value applies live or at the next boot, and the maximum it is held to. */
export function fieldHint(key: ResizeField, fields: ResizeFields, current: ResizeCurrent): string {
  const n = whole(fields[key]);
  if (key === 'diskGiB') {
    const now = current.diskGiB === undefined ? '' : ` (now ${current.diskGiB} GiB)`;
    return current.running
      ? `Only grows${now}; grown live, with the guest's file system, no reboot.`
      : `Only grows${now}; the volume grows while the VM is off.`;
  }
  const max = key === 'memoryMiB' ? current.maxMemoryMiB : current.maxVcpus;
  const unit = UNIT[key];
  const what = key === 'memoryMiB' ? 'memory' : 'vCPUs';
  if (!current.running) return `The VM is off: applies at its next start.`;
  if (max === undefined) return `Live up to the VM's maximum ${what}; beyond it, at the next boot.`;
  if (!Number.isNaN(n) && n > max) {
    return `Beyond the maximum of ${max}${unit}: applies at the next boot (pending until then).`;
  }
  return `Applies live, up to the maximum of ${max}${unit}; beyond it, at the next boot.`;
}
