/** A move as far as scheduling cares: the two hosts it occupies. */
export interface HostPair {
  fromHostId: string;
  toHostId: string;
}

/**
 * Groups moves into waves that run one after the other: within a wave no host takes part in two
 * moves (one migration per host at a time), and a move never runs before an earlier move that
 * shares a host with it (it may need the room that one makes). Returns indices into `moves`.
 */
export function balanceWaves(moves: readonly HostPair[]): number[][] {
  const lastWaveOf = new Map<string, number>();
  const waves: number[][] = [];
  moves.forEach((m, i) => {
    const wave = Math.max(lastWaveOf.get(m.fromHostId) ?? -1, lastWaveOf.get(m.toHostId) ?? -1) + 1;
    (waves[wave] ??= []).push(i);
    lastWaveOf.set(m.fromHostId, wave);
    lastWaveOf.set(m.toHostId, wave);
  });
  return waves;
}
