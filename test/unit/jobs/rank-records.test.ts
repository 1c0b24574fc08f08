import { describe, expect, it } from 'vitest';
import { firstFailureOf, parseRankRecords, rankStateOf } from '../../../core/jobs/rank-records';

const counts = { stdoutBytes: 0, stderrBytes: 0, truncated: false };

describe('rank records', () => {
  const text = [
    '0:start 1764400000000000000 c-0',
    '0:end 1764400002000000000 0',
    '2:start 1764400000100000000 c-1',
    '2:end 1764400001000000000 139',
    '3:start 1764400000200000000 c-1',
    '3:end 1764400001500000000 4',
    '5:start 1764400000300000000 c-1',
    '5:end 17644',
    'garbage',
  ].join('\n');
  const records = parseRankRecords(text, 'fallback');

  it('reads start, node, end and exit status; a status above 128 as the signal', () => {
    expect(records.map((r) => [r.rank, r.node, r.exitCode, r.signal])).toEqual([
      [0, 'c-0', 0, undefined],
      [2, 'c-1', undefined, 'SIGSEGV'],
      [3, 'c-1', 4, undefined],
      [5, 'c-1', undefined, undefined],
    ]);
    expect(records[0]!.startedAt).toBe('2025-11-29T07:06:40.000Z');
    expect(records[0]!.endedAt).toBe('2025-11-29T07:06:42.000Z');
  });

  it('a rank with no end is running, or lost once the job ended', () => {
    expect(rankStateOf(records[3]!, counts, false).status).toBe('running');
    expect(rankStateOf(records[3]!, counts, true).status).toBe('lost');
    expect(rankStateOf({ rank: 7, node: '' }, counts, false).status).toBe('pending');
    expect(rankStateOf(records[1]!, counts, true)).toMatchObject({
      status: 'signalled',
      signal: 'SIGSEGV',
    });
  });

  it('names the rank that failed first, by end time', () => {
    const states = records.map((r) => rankStateOf(r, counts, true));
    expect(firstFailureOf(states)).toBe('rank 2 on c-1: SIGSEGV');
    expect(firstFailureOf(states.filter((s) => s.rank !== 2))).toBe('rank 3 on c-1: exit status 4');
    expect(firstFailureOf(states.slice(0, 1))).toBeUndefined();
  });
});
