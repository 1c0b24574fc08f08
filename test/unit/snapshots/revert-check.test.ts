import { describe, expect, it } from 'vitest';
import { revertProblems } from '../../../core/snapshots/revert-check';
import type { SnapshotFacts } from '../../../core/snapshots/snapshot-xml';

const held = (vcpus: number, maxVcpus: number, hotpluggedVcpus = 0): SnapshotFacts => ({
  name: 's1',
  createdAt: new Date(0).toISOString(),
  state: 'running',
  withMemory: true,
  vcpus,
  maxVcpus,
  hotpluggedVcpus,
});

describe('revert check (the vCPU trap)', () => {
  it('lets a revert go ahead when the vCPUs match', () => {
    const same = { vcpus: 1, maxVcpus: 2 };
    expect(revertProblems('web-0', held(1, 2), { live: same, config: same })).toEqual([]);
    expect(revertProblems('web-0', held(1, 2), { config: same })).toEqual([]);
  });

  it('explains a vCPU change after the snapshot, with what to do', () => {
    const [problem, ...rest] = revertProblems('web-0', held(1, 2), {
      live: { vcpus: 2, maxVcpus: 2 },
      config: { vcpus: 1, maxVcpus: 2 },
    });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/s1 holds 1 vCPU \(at most 2\); web-0 runs with 2 vCPUs/);
    expect(problem).toMatch(/leaves web-0 shut off/);
    expect(problem).toMatch(/set web-0 to 1 vCPU first/);
  });

  it('explains a different maximum or definition of a shut-off VM', () => {
    expect(revertProblems('web-0', held(1, 2), { config: { vcpus: 1, maxVcpus: 4 } })[0]).toMatch(
      /is defined with 1 vCPU \(at most 4\)/,
    );
  });

  it('explains a snapshot taken after a live vCPU hot-plug even when the counts match', () => {
    const now = { vcpus: 2, maxVcpus: 4 };
    const problems = revertProblems('web-0', held(2, 4, 1), { live: now, config: now });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/after 1 vCPU had been added live/);
  });
});
