import type { SnapshotFacts } from './snapshot-xml';

/** A domain's vCPUs as libvirt reports them now. */
export interface VcpuFigures {
  vcpus: number;
  maxVcpus: number;
}

const count = (n: number) => `${n} vCPU${n === 1 ? '' : 's'}`;
const figures = (f: VcpuFigures) => `${count(f.vcpus)} (at most ${f.maxVcpus})`;

/**
 * Why reverting to `snap` would fail, as a person reads it; empty when it can go ahead. libvirt
 * 9.0 restores a snapshot by starting QEMU from the snapshot's own domain definition: when its
 * vCPUs differ from the domain's (a live vCPU change before or after the snapshot), QEMU refuses
 * the saved state and libvirt leaves the domain shut off. Caught here, before any call. Pure.
 */
export function revertProblems(
  vm: string,
  snap: SnapshotFacts,
  domain: { live?: VcpuFigures; config: VcpuFigures },
): string[] {
  const problems: string[] = [];
  const fix = (want: number) =>
    `Reverting across a vCPU change fails and leaves ${vm} shut off; set ${vm} to ${count(want)} first, or take a new snapshot.`;
  if (snap.hotpluggedVcpus > 0) {
    problems.push(
      `Snapshot ${snap.name} was taken after ${count(snap.hotpluggedVcpus)} had been added live: libvirt cannot restore it (the VM would be left shut off).`,
    );
  }
  if (snap.vcpus === undefined || snap.maxVcpus === undefined) return problems;
  const held: VcpuFigures = { vcpus: snap.vcpus, maxVcpus: snap.maxVcpus };
  const differs = (f: VcpuFigures) => f.vcpus !== held.vcpus || f.maxVcpus !== held.maxVcpus;
  if (domain.live && differs(domain.live)) {
    problems.push(
      `Snapshot ${snap.name} holds ${figures(held)}; ${vm} runs with ${figures(domain.live)} now. ${fix(held.vcpus)}`,
    );
  } else if (differs(domain.config)) {
    problems.push(
      `Snapshot ${snap.name} holds ${figures(held)}; ${vm} is defined with ${figures(domain.config)}. ${fix(held.vcpus)}`,
    );
  }
  return problems;
}
