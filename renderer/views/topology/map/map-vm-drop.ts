import type { MapNotice } from './map-store';

/** A host group's box on the map, in the map's own coordinates. */
export interface HostBox {
  hostId: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The host group under `at` (map coordinates), if any. Host groups never overlap. */
export function hostAt(
  at: { x: number; y: number },
  boxes: readonly HostBox[],
): HostBox | undefined {
  return boxes.find(
    (b) => at.x >= b.x && at.y >= b.y && at.x <= b.x + b.width && at.y <= b.y + b.height,
  );
}

/**
 * What a VM let go over the map leads to: over another host, the migrate dialog preselected with
 * it; over its own host or none, a plain word that it stays where it is.
 */
export type VmDrop =
  { kind: 'migrate'; targetHostId: string } | { kind: 'stays'; notice: Omit<MapNotice, 'id'> };

export function vmDrop(
  vm: { name: string; hostId: string },
  fromLabel: string,
  over: Pick<HostBox, 'hostId'> | undefined,
): VmDrop {
  if (over && over.hostId !== vm.hostId) return { kind: 'migrate', targetHostId: over.hostId };
  return {
    kind: 'stays',
    notice: {
      variant: 'info',
      title: `${vm.name} stays on ${fromLabel}`,
      body: 'To move a VM, drop it on another host, or use Migrate… in its details.',
    },
  };
}

/** The host a dragged VM would go to if let go now: another host under it, else none. */
export function dropHighlight(
  vmHostId: string,
  over: Pick<HostBox, 'hostId'> | undefined,
): string | undefined {
  return over && over.hostId !== vmHostId ? over.hostId : undefined;
}

/** The host groups among the map's nodes (top-level, so their positions are absolute). */
export function hostBoxes(
  nodes: ReadonlyArray<{
    type?: string;
    position: { x: number; y: number };
    width?: number;
    height?: number;
    data: unknown;
  }>,
): HostBox[] {
  return nodes
    .filter((n) => n.type === 'host')
    .map((n) => {
      const data = n.data as { hostId: string; label: string };
      return {
        hostId: data.hostId,
        label: data.label,
        x: n.position.x,
        y: n.position.y,
        width: n.width ?? 0,
        height: n.height ?? 0,
      };
    });
}
