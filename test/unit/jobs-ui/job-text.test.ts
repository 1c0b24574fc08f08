import { describe, expect, it } from 'vitest';
import { RunSpec, type RankState } from '../../../api/jobs-api';
import {
  durationText,
  firstFailureText,
  isCancellable,
  isFinished,
  parametersText,
  rankOutcome,
  rankTitle,
  statusText,
  timelineRows,
} from '../../../renderer/views/jobs/job-text';

const rank = (r: Partial<RankState> & { rank: number }): RankState => ({
  node: `n-${r.rank}`,
  status: 'exited',
  exitCode: 0,
  stdoutBytes: 0,
  stderrBytes: 0,
  truncated: false,
  ...r,
});

describe('jobs in words', () => {
  it('says when a job is over and when it can be cancelled', () => {
    expect(isFinished('cancelled')).toBe(true);
    expect(isFinished('running')).toBe(false);
    expect(isCancellable('building')).toBe(true);
    expect(isCancellable('cancelling')).toBe(false);
    expect(isCancellable('failed')).toBe(false);
  });

  it('writes durations in seconds, minutes and hours', () => {
    const t0 = '2026-01-01T00:00:00.000Z';
    expect(durationText(t0, '2026-01-01T00:00:07.400Z', 0)).toBe('7 s');
    expect(durationText(t0, '2026-01-01T00:03:04.000Z', 0)).toBe('3 min 4 s');
    expect(durationText(t0, undefined, Date.parse('2026-01-01T01:02:00Z'))).toBe('1 h 2 min');
  });

  it('sums the parameters up in one line', () => {
    expect(parametersText(RunSpec.parse({}))).toBe('every slot');
    expect(
      parametersText(
        RunSpec.parse({
          ranks: 1,
          ranksPerNode: 2,
          oversubscribe: true,
          args: ['x'],
          env: [{ name: 'A', value: '1' }],
          options: { mapBy: 'node', timeoutSeconds: 5 },
          stdin: '',
        }),
      ),
    ).toBe(
      '1 rank, 2 per node, oversubscribed, map by node, timeout 5 s, args: x, env: A, stdin for rank 0',
    );
  });

  it('titles a rank pane with its node and says how it ended', () => {
    expect(rankTitle({ rank: 2, node: 'c-1' })).toBe('rank 2 on c-1');
    expect(rankOutcome(rank({ rank: 0 }))).toBe('exit code 0');
    expect(rankOutcome(rank({ rank: 0, status: 'signalled', signal: 'SIGSEGV' }))).toBe(
      'killed by SIGSEGV',
    );
    expect(rankOutcome(rank({ rank: 0, status: 'running' }))).toBe('running');
  });

  it('puts the ranks on a timeline relative to the job start, failures marked', () => {
    const rows = timelineRows({
      startedAt: '2026-01-01T00:00:00.000Z',
      ranks: [
        rank({
          rank: 1,
          startedAt: '2026-01-01T00:00:01.250Z',
          exitCode: 3,
          endedAt: '2026-01-01T00:00:02.000Z',
        }),
        rank({ rank: 0, startedAt: '2026-01-01T00:00:01.000Z', status: 'running' }),
      ],
    });
    expect(rows).toEqual([
      {
        rank: 0,
        node: 'n-0',
        startSecond: 1,
        endSecond: undefined,
        outcome: 'running',
        failed: false,
      },
      {
        rank: 1,
        node: 'n-1',
        startSecond: 1.3,
        endSecond: 2,
        outcome: 'exit code 3',
        failed: true,
      },
    ]);
  });

  it("names the first failure: core's sentence, else the rank that ended badly first", () => {
    expect(firstFailureText({ firstFailure: 'rank 2 on w-3: SIGSEGV', ranks: [] })).toBe(
      'rank 2 on w-3: SIGSEGV',
    );
    expect(
      firstFailureText({
        ranks: [
          rank({ rank: 0, exitCode: 1, endedAt: '2026-01-01T00:00:05Z' }),
          rank({
            rank: 1,
            status: 'signalled',
            signal: 'SIGKILL',
            endedAt: '2026-01-01T00:00:03Z',
          }),
          rank({ rank: 2, endedAt: '2026-01-01T00:00:01Z' }),
        ],
      }),
    ).toBe('rank 1 on n-1: killed by SIGKILL');
    expect(firstFailureText({ ranks: [rank({ rank: 0 })] })).toBeUndefined();
  });

  it('gives the reason with the status when a job did not end by itself', () => {
    expect(statusText({ status: 'cancelled', reason: 'cancelled by alice' })).toBe(
      'cancelled (cancelled by alice)',
    );
    expect(statusText({ status: 'succeeded' })).toBe('succeeded');
  });
});
