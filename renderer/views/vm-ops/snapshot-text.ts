import type { Snapshot } from '../../../api/snapshots-api';

/** The state a snapshot holds, as words: "running, with memory", "shut off, disks only". */
export function heldState(s: Pick<Snapshot, 'state' | 'withMemory'>): string {
  return `${s.state.replace('-', ' ')}, ${s.withMemory ? 'with memory' : 'disks only'}`;
}
