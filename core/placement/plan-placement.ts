import { CorralError } from '../../api/errors';
import { fitsGuest, freeAfterGuest, usedPercent, withinLoad } from './host-fit';
import {
  type HostCapacity,
  type HostProjection,
  type NodeShape,
  type PlacementAlgorithm,
  type PlacementPlan,
} from './placement-types';

interface Slot {
  host: HostCapacity;
  freeKiB: number;
  nodes: number;
}

/**
 * Places `count` nodes of `shape` on `hosts` (in the order given). Pure: the same inputs give the
 * same plan. Refuses, with the reason, any plan that does not fit whole: nothing is half-placed.
 */
export function planPlacement(
  hosts: readonly HostCapacity[],
  shape: NodeShape,
  count: number,
  algorithm: PlacementAlgorithm,
): PlacementPlan {
  if (!Number.isInteger(count) || count < 1) {
    throw new CorralError(
      'bad-request',
      'the number of nodes must be a whole number of at least 1',
    );
  }
  const slots: Slot[] = hosts
    .filter((h) => h.online && eligible(h, algorithm))
    .map((host) => ({ host, freeKiB: host.freeMemoryKiB, nodes: 0 }));
  if (slots.length === 0) {
    throw new CorralError('conflict', noHostReason(hosts, algorithm));
  }

  const hostIds: string[] = [];
  let cursor = 0;
  for (let node = 0; node < count; node++) {
    const order =
      algorithm.kind === 'first-fit' ? slots : [...slots.slice(cursor), ...slots.slice(0, cursor)];
    const chosen = order.find((slot) => fits(slot, shape, algorithm));
    if (!chosen) {
      throw new CorralError(
        'conflict',
        `only ${node} of ${count} nodes fit: no host has room for a node of ` +
          `${shape.vcpus} vCPU and ${Math.round(shape.memoryKiB / 1024)} MiB` +
          (algorithm.kind === 'threshold'
            ? ` within ${algorithm.maxMemoryPercent}% memory use`
            : ''),
        { placed: node, requested: count },
      );
    }
    chosen.freeKiB = freeAfterGuest(chosen.freeKiB, shape.memoryKiB);
    chosen.nodes++;
    hostIds.push(chosen.host.hostId);
    cursor = (slots.indexOf(chosen) + 1) % slots.length;
  }

  return {
    hostIds,
    hosts: hosts.map((h) =>
      project(
        h,
        slots.find((s) => s.host === h),
      ),
    ),
  };
}

function eligible(host: HostCapacity, algorithm: PlacementAlgorithm): boolean {
  if (algorithm.kind !== 'threshold') return true;
  return withinLoad(
    { cpuPercent: host.cpuPercent, memoryPercent: usedPercent(host.memoryKiB, host.freeMemoryKiB) },
    algorithm.maxCpuPercent,
    algorithm.maxMemoryPercent,
  );
}

function fits(slot: Slot, shape: NodeShape, algorithm: PlacementAlgorithm): boolean {
  return fitsGuest(
    slot.host,
    slot.freeKiB,
    shape,
    algorithm.kind === 'threshold' ? algorithm.maxMemoryPercent : undefined,
  );
}

function project(host: HostCapacity, slot: Slot | undefined): HostProjection {
  const after = slot?.freeKiB ?? host.freeMemoryKiB;
  return {
    hostId: host.hostId,
    name: host.name,
    freeMemoryKiBBefore: host.freeMemoryKiB,
    freeMemoryKiBAfter: after,
    memoryPercentBefore: usedPercent(host.memoryKiB, host.freeMemoryKiB),
    memoryPercentAfter: usedPercent(host.memoryKiB, after),
    cpuPercent: host.cpuPercent,
    nodes: slot?.nodes ?? 0,
  };
}

function noHostReason(hosts: readonly HostCapacity[], algorithm: PlacementAlgorithm): string {
  if (!hosts.some((h) => h.online)) return 'no host is online';
  if (algorithm.kind === 'threshold') {
    return (
      `every online host is above the limits (CPU ${algorithm.maxCpuPercent}%, ` +
      `memory ${algorithm.maxMemoryPercent}%)`
    );
  }
  return 'no host can take nodes';
}
