import type { VmMove, VmRef } from '../../api/inventory-api';

/** What opening a console needs: the VM and the name its tab shows. */
export interface ConsoleTarget extends VmRef {
  name: string;
}

/** One console tab per VM. */
export const consoleKey = (ref: VmRef): string => `${ref.hostId}/${ref.uuid.toLowerCase()}`;

/**
 * A tab's target after VMs moved host: the same VM (its UUID) on its new host, so a reload or a
 * reconnect opens it where it runs now. Undefined when the tab's VM did not move.
 */
export function movedTarget<T extends ConsoleTarget>(
  target: T,
  moves: readonly VmMove[],
): T | undefined {
  const uuid = target.uuid.toLowerCase();
  const m = moves.find((x) => x.uuid.toLowerCase() === uuid && x.fromHostId === target.hostId);
  return m ? { ...target, hostId: m.toHostId } : undefined;
}
