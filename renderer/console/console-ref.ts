import type { VmRef } from '../../api/inventory-api';

/** What opening a console needs: the VM and the name its tab shows. */
export interface ConsoleTarget extends VmRef {
  name: string;
}

/** One console tab per VM. */
export const consoleKey = (ref: VmRef): string => `${ref.hostId}/${ref.uuid.toLowerCase()}`;
