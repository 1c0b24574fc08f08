import type { RankState } from '../../api/jobs-api';

/** What the rank wrapper recorded for one rank on its node. */
export interface RankRecord {
  rank: number;
  node: string;
  startedAt?: string;
  endedAt?: string;
  exitCode?: number;
  signal?: string;
}

/** Linux signal numbers (x86-64) as their names. */
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
};

function isoFromNs(ns: string): string | undefined {
  if (!/^\d{10,}$/.test(ns)) return undefined;
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}

/**
 * Parses what `grep -H '' ranks/*` printed on one node: lines `<rank>:start <ns> <host>` and
 * `<rank>:end <ns> <status>`. A status above 128 is the shell's way of saying the program died
 * of signal status-128. Lines that do not parse are ignored (a record being written).
 */
export function parseRankRecords(text: string, fallbackNode: string): RankRecord[] {
  const byRank = new Map<number, RankRecord>();
  for (const line of text.split('\n')) {
    const m = /^(?:.*\/)?(\d+):(start|end) (\d+)(?: (\S+))?$/.exec(line.trim());
    if (!m) continue;
    const rank = Number(m[1]);
    const rec = byRank.get(rank) ?? { rank, node: fallbackNode };
    byRank.set(rank, rec);
    const at = isoFromNs(m[3]!);
    if (m[2] === 'start') {
      if (at) rec.startedAt = at;
      if (m[4]) rec.node = m[4];
    } else {
      if (at) rec.endedAt = at;
      const status = Number(m[4]);
      if (!Number.isInteger(status)) continue;
      if (status > 128 && SIGNALS[status - 128]) rec.signal = SIGNALS[status - 128];
      else rec.exitCode = status;
    }
  }
  return [...byRank.values()].sort((a, b) => a.rank - b.rank);
}

/** A rank's state from its wrapper record (or `lost` when the job ended without one). */
export function rankStateOf(
  rec: RankRecord,
  counts: Pick<RankState, 'stdoutBytes' | 'stderrBytes' | 'truncated'>,
  jobEnded: boolean,
): RankState {
  const status: RankState['status'] = rec.signal
    ? 'signalled'
    : rec.exitCode !== undefined
      ? 'exited'
      : rec.startedAt
        ? jobEnded
          ? 'lost'
          : 'running'
        : jobEnded
          ? 'lost'
          : 'pending';
  return {
    rank: rec.rank,
    node: rec.node,
    status,
    ...(rec.exitCode !== undefined ? { exitCode: rec.exitCode } : {}),
    ...(rec.signal ? { signal: rec.signal } : {}),
    ...(rec.startedAt ? { startedAt: rec.startedAt } : {}),
    ...(rec.endedAt ? { endedAt: rec.endedAt } : {}),
    ...counts,
  };
}

/** The rank that failed first and how ("rank 2 on web-3: SIGSEGV"), by end time. */
export function firstFailureOf(ranks: readonly RankState[]): string | undefined {
  const failed = ranks
    .filter((r) => r.signal !== undefined || (r.exitCode !== undefined && r.exitCode !== 0))
    .sort((a, b) => (a.endedAt ?? '~').localeCompare(b.endedAt ?? '~') || a.rank - b.rank);
  const f = failed[0];
  if (!f) return undefined;
  return `rank ${f.rank} on ${f.node}: ${f.signal ?? `exit status ${f.exitCode}`}`;
}
