import { describe, expect, it } from 'vitest';
import {
  decideReconcile,
  type CopyState,
  type HostReport,
  type MigrationPhase,
  type ReconcileAction,
  type ReconcileJournal,
} from '../../../core/migration/reconcile-decision';

const OVERLAY = '/var/lib/libvirt/images/web-1.qcow2';
const SEED = '/var/lib/libvirt/images/web-1-seed.iso';

const journal = (phase: MigrationPhase, mode: 'live' | 'offline' = 'live'): ReconcileJournal => ({
  mode,
  phase,
  targetVolumes: [OVERLAY, SEED],
  sourceVolumes: [OVERLAY, SEED],
});

/** `r` running, `p` paused, `s` shut off, `-` absent; `t` suffix = transient; `v` = volumes. */
function report(spec: string): HostReport {
  const [dom = '-', vols] = spec.split('+');
  const states: Record<string, CopyState> = { r: 'running', p: 'paused', s: 'shut-off' };
  return {
    domain:
      dom === '-' ? undefined : { state: states[dom.charAt(0)]!, persistent: !dom.endsWith('t') },
    volumesPresent: vols === 'v' ? [OVERLAY, SEED] : vols === 'o' ? [OVERLAY] : [],
  };
}

const fmt = (a: ReconcileAction) =>
  a.kind === 'delete-volume'
    ? `delete ${a.side} ${a.path === OVERLAY ? 'overlay' : 'seed'}`
    : `${a.kind} ${a.side}`;

interface Case {
  name: string;
  phase: MigrationPhase;
  mode?: 'live' | 'offline';
  source: string;
  target: string;
  keep: 'source' | 'target' | 'none';
  actions: string[];
}

const CASES: Case[] = [
  // Died before Perform: whatever Prepare made on the target goes; the source keeps running.
  {
    name: 'before Prepare: only the target volumes were created',
    phase: 'prepare-target',
    source: 'r+v',
    target: '-+v',
    keep: 'source',
    actions: ['delete target overlay', 'delete target seed'],
  },
  {
    name: 'after Prepare: a paused incoming copy on the target is killed',
    phase: 'prepare-target',
    source: 'r+v',
    target: 'pt+v',
    keep: 'source',
    actions: ['destroy target', 'delete target overlay', 'delete target seed'],
  },
  {
    name: 'before Perform with the source paused (a pause before the move): resumed',
    phase: 'prepare-target',
    source: 'p+v',
    target: 'pt+o',
    keep: 'source',
    actions: ['destroy target', 'resume source', 'delete target overlay'],
  },
  {
    name: 'nothing was created yet: nothing to do',
    phase: 'prepare-target',
    source: 'r+v',
    target: '-',
    keep: 'source',
    actions: [],
  },
  // During Perform: close callbacks may leave paused copies.
  {
    name: 'during Perform, both paused: the source is preferred',
    phase: 'migrating',
    source: 'p+v',
    target: 'pt+v',
    keep: 'source',
    actions: ['destroy target', 'resume source', 'delete target overlay', 'delete target seed'],
  },
  {
    name: 'during Perform, the target already runs: it is kept and made persistent',
    phase: 'migrating',
    source: 'p+v',
    target: 'rt+v',
    keep: 'target',
    actions: [
      'destroy source',
      'persist target',
      'undefine source',
      'delete source overlay',
      'delete source seed',
    ],
  },
  {
    name: 'during Perform, the source was resumed and the target copy is gone',
    phase: 'migrating',
    source: 'r+v',
    target: '-+v',
    keep: 'source',
    actions: ['delete target overlay', 'delete target seed'],
  },
  {
    name: 'during Perform, the source resumed while a paused target copy waits',
    phase: 'migrating',
    source: 'r+v',
    target: 'pt+v',
    keep: 'source',
    actions: ['destroy target', 'delete target overlay', 'delete target seed'],
  },
  {
    name: 'during Perform, the source vanished and the target is paused: resumed there',
    phase: 'migrating',
    source: '-+v',
    target: 'pt+v',
    keep: 'target',
    actions: ['resume target', 'persist target', 'delete source overlay', 'delete source seed'],
  },
  {
    name: 'both run before Finish: the source is the VM, the stale target copy goes',
    phase: 'migrating',
    source: 'r+v',
    target: 'rt+v',
    keep: 'source',
    actions: ['destroy target', 'delete target overlay', 'delete target seed'],
  },
  // After Finish: the target's copy is the VM.
  {
    name: 'after Finish, both paused: the target is preferred and resumed',
    phase: 'verify',
    source: 'p+v',
    target: 'p+v',
    keep: 'target',
    actions: [
      'destroy source',
      'resume target',
      'undefine source',
      'delete source overlay',
      'delete source seed',
    ],
  },
  {
    name: 'after Finish before the source cleanup: the source is undefined, its volumes deleted',
    phase: 'cleanup-source',
    source: 's+v',
    target: 'r+v',
    keep: 'target',
    actions: ['undefine source', 'delete source overlay', 'delete source seed'],
  },
  {
    name: 'source cleanup half done: only the remaining seed is deleted',
    phase: 'cleanup-source',
    source: '-+o',
    target: 'r+v',
    keep: 'target',
    actions: ['delete source overlay'],
  },
  {
    name: 'both run after Finish: the target is the VM',
    phase: 'verify',
    source: 'r+v',
    target: 'r+v',
    keep: 'target',
    actions: ['destroy source', 'undefine source', 'delete source overlay', 'delete source seed'],
  },
  {
    name: 'everything done: nothing to do',
    phase: 'done',
    source: '-',
    target: 'r+v',
    keep: 'target',
    actions: [],
  },
  // Offline moves: nothing runs; one definition stays.
  {
    name: 'offline, before Finish: the target definition and volumes go',
    phase: 'migrating',
    mode: 'offline',
    source: 's+v',
    target: 's+v',
    keep: 'source',
    actions: ['undefine target', 'delete target overlay', 'delete target seed'],
  },
  {
    name: 'offline, after Finish: the source definition and volumes go',
    phase: 'verify',
    mode: 'offline',
    source: 's+v',
    target: 's+v',
    keep: 'target',
    actions: ['undefine source', 'delete source overlay', 'delete source seed'],
  },
  {
    name: 'no copy anywhere: nothing is deleted (the volumes may be all that is left)',
    phase: 'migrating',
    source: '-+v',
    target: '-+v',
    keep: 'none',
    actions: [],
  },
];

describe('decideReconcile', () => {
  it.each(CASES)('$name', (c) => {
    const d = decideReconcile(journal(c.phase, c.mode), report(c.source), report(c.target));
    expect(d.keep).toBe(c.keep);
    expect(d.actions.map(fmt)).toEqual(c.actions);
    expect(d.reason).not.toBe('');
  });

  const states = ['-', 'r', 'p', 's', 'rt', 'pt'];
  const phases: MigrationPhase[] = [
    'prepare-target',
    'migrating',
    'verify',
    'cleanup-source',
    'done',
  ];
  const all = phases.flatMap((phase) =>
    states.flatMap((s) => states.map((t) => ({ phase, s, t }))),
  );

  it('leaves exactly one copy, running if any ran, and no volume of the other side, in every combination', () => {
    for (const { phase, s, t } of all) {
      const source = report(`${s}+v`);
      const target = report(`${t}+v`);
      const d = decideReconcile(journal(phase), source, target);
      const label = `${phase} source=${s} target=${t}`;
      if (!source.domain && !target.domain) {
        expect(d.keep, label).toBe('none');
        expect(d.actions, label).toEqual([]);
        continue;
      }
      expect(d.keep, label).not.toBe('none');
      const keep = d.keep as 'source' | 'target';
      const drop = keep === 'source' ? 'target' : 'source';
      const reports = { source, target };
      // The kept copy exists and ends running when either copy was running or paused.
      expect(reports[keep].domain, label).toBeDefined();
      // A copy that ran still runs at the end; a kept paused copy is resumed.
      const wasLive =
        source.domain?.state === 'running' ||
        target.domain?.state === 'running' ||
        reports[keep].domain?.state === 'paused';
      const kept = reports[keep].domain!;
      const endsRunning =
        kept.state === 'running' || d.actions.some((a) => a.kind === 'resume' && a.side === keep);
      if (wasLive) expect(endsRunning, label).toBe(true);
      // The kept copy is persistent at the end; the other is neither running nor defined.
      const persistent =
        kept.persistent || d.actions.some((a) => a.kind === 'persist' && a.side === keep);
      expect(persistent, label).toBe(true);
      const gone = reports[drop].domain;
      if (gone && gone.state !== 'shut-off') {
        expect(d.actions, label).toContainEqual({ kind: 'destroy', side: drop });
      }
      if (gone?.persistent)
        expect(d.actions, label).toContainEqual({ kind: 'undefine', side: drop });
      // Every journaled volume of the dropped side goes; nothing of the kept side is touched.
      const deleted = d.actions.filter((a) => a.kind === 'delete-volume');
      expect(
        deleted.every((a) => a.side === drop),
        label,
      ).toBe(true);
      expect(deleted, label).toHaveLength(2);
      // The other copy stops before the kept one resumes: never two running at once.
      const destroyAt = d.actions.findIndex((a) => a.kind === 'destroy');
      const resumeAt = d.actions.findIndex((a) => a.kind === 'resume');
      if (destroyAt >= 0 && resumeAt >= 0) expect(destroyAt, label).toBeLessThan(resumeAt);
      // A running target after Finish is never given up.
      if (
        target.domain?.state === 'running' &&
        phase !== 'prepare-target' &&
        phase !== 'migrating'
      ) {
        expect(keep, label).toBe('target');
      }
    }
  });
});
