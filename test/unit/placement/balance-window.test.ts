import { describe, expect, it } from 'vitest';
import { averageSince } from '../../../core/placement/load-window';
import { windowWords } from '../../../core/placement/balance-words';
import { imbalanceOf } from '../../../core/placement/imbalance';

describe('averageSince', () => {
  it('averages only the samples inside the window, skipping gaps', () => {
    const avg = averageSince(
      { t: [0, 10, 20, 30], cpu: [100, 40, null, 60], memoryKiB: [1, 2, 4, null] },
      10,
    );
    expect(avg).toEqual({ cpu: 50, memoryKiB: 3, samples: 3, coveredMs: 20 });
  });

  it('knows nothing of a window without samples', () => {
    expect(averageSince({ t: [0], cpu: [5], memoryKiB: [5] }, 1)).toEqual({
      cpu: undefined,
      memoryKiB: undefined,
      samples: 0,
      coveredMs: 0,
    });
  });
});

describe('windowWords', () => {
  it('says seconds, minutes and hours as a person would', () => {
    expect(windowWords(15)).toBe('15 s');
    expect(windowWords(60)).toBe('1 min');
    expect(windowWords(300)).toBe('5 min');
    expect(windowWords(3600)).toBe('1 h');
    expect(windowWords(5400)).toBe('1 h 30 min');
  });
});

describe('imbalanceOf', () => {
  it('is 0 for even hosts and the deviations summed otherwise', () => {
    expect(
      imbalanceOf([
        { cpuPercent: 50, memoryPercent: 30 },
        { cpuPercent: 50, memoryPercent: 30 },
      ]),
    ).toBe(0);
    expect(
      imbalanceOf([
        { cpuPercent: 90, memoryPercent: 30 },
        { cpuPercent: 10, memoryPercent: 30 },
      ]),
    ).toBe(40);
  });
});
