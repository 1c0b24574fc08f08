import { describe, expect, it } from 'vitest';
import type { HostView } from '../../../api/hosts-api';
import type { MigrationPreflight } from '../../../api/migration-api';
import {
  blockerText,
  canConfirm,
  checkedText,
  initialTarget,
  noticeLines,
  targetChoices,
  verdictText,
} from '../../../renderer/views/vm-ops/migrate-text';

const host = (id: string, name: string, state: 'online' | 'unreachable' = 'online'): HostView => ({
  id,
  name,
  local: false,
  address: '10.0.0.1',
  port: 22,
  user: 'root',
  authKind: 'key',
  hasSecret: false,
  status:
    state === 'online'
      ? { state, since: '2026-01-01T00:00:00Z' }
      : { state, since: '2026-01-01T00:00:00Z', error: 'gone' },
});

const preflight = (over: Partial<MigrationPreflight> = {}): MigrationPreflight => ({
  vm: { hostId: 'h1', uuid: '11111111-2222-3333-4444-555555555555', name: 'web-1' },
  targetHostId: 'h2',
  mode: 'live',
  ok: true,
  blockers: [],
  notices: [],
  checkedMs: 412,
  ...over,
});

describe('migrate dialog text', () => {
  it('offers every other online host by name, never the VM’s own host or an offline one', () => {
    const hosts = [
      host('h1', 'alpha'),
      host('h3', 'gamma'),
      host('h2', 'beta'),
      host('h4', 'delta', 'unreachable'),
    ];
    expect(targetChoices(hosts, 'h1')).toEqual([
      { id: 'h2', name: 'beta' },
      { id: 'h3', name: 'gamma' },
    ]);
    expect(targetChoices([host('h1', 'alpha')], 'h1')).toEqual([]);
  });

  it('opens on the host a drop asked for, else on the only choice, else on none', () => {
    const two = [
      { id: 'h2', name: 'beta' },
      { id: 'h3', name: 'gamma' },
    ];
    expect(initialTarget(two, 'h3')).toBe('h3');
    expect(initialTarget(two, undefined)).toBeUndefined();
    // A host that is not a choice (offline since the drop) is not preselected.
    expect(initialTarget(two, 'h9')).toBeUndefined();
    expect(initialTarget([two[0]!], undefined)).toBe('h2');
  });

  it('says whether the move can go ahead, live or offline, and how many problems stop it', () => {
    expect(verdictText(preflight(), 'beta')).toBe('web-1 can move to beta (live, while it runs).');
    expect(verdictText(preflight({ mode: 'offline' }), 'beta')).toBe(
      'web-1 can move to beta (offline, as it is shut off).',
    );
    const b = { code: 'memory-short' as const, message: 'm', remedy: 'r' };
    expect(verdictText(preflight({ ok: false, blockers: [b] }), 'beta')).toBe(
      'web-1 cannot move to beta: 1 problem to fix first.',
    );
    expect(verdictText(preflight({ ok: false, blockers: [b, b] }), 'beta')).toContain('2 problems');
  });

  it('writes each blocker as what is wrong, then what to do, as whole sentences', () => {
    expect(
      blockerText({
        code: 'memory-short',
        message: 'beta has 180 MiB free; web-1 needs 256 MiB',
        remedy: 'Free memory on beta or pick another host',
      }),
    ).toBe(
      'beta has 180 MiB free; web-1 needs 256 MiB. What to do: Free memory on beta or pick another host.',
    );
    // A full stop already there is not doubled.
    expect(
      blockerText({ code: 'snapshots', message: 'It has 2 snapshots.', remedy: 'Delete them.' }),
    ).toBe('It has 2 snapshots. What to do: Delete them.');
  });

  it('lists the notices, then the disk copy size and backing image when measured', () => {
    const pf = preflight({
      notices: [{ code: 'console-reconnect', message: 'Open consoles reconnect by themselves.' }],
      storage: {
        copyBytes: 12 * 1024 * 1024,
        targetBackingPath: '/var/lib/libvirt/images/base.qcow2',
      },
    });
    expect(noticeLines(pf)).toEqual([
      'Open consoles reconnect by themselves.',
      'About 12 MiB of disk data is copied to the target.',
      'The disk on the target is backed by /var/lib/libvirt/images/base.qcow2.',
    ]);
    // The pre-flight's own disk-copy notice is not said twice; each notice is a whole sentence.
    const said = preflight({
      notices: [{ code: 'disk-copy', message: '12 MiB of disk data is copied' }],
      storage: { copyBytes: 12 * 1024 * 1024 },
    });
    expect(noticeLines(said)).toEqual(['12 MiB of disk data is copied.']);
  });

  it('says how long the checks took', () => {
    expect(checkedText(412.4)).toBe('Checked in 412 ms.');
    expect(checkedText(2345)).toBe('Checked in 2.3 s.');
  });

  it('allows Migrate only on a verdict without blockers for the target chosen now', () => {
    expect(canConfirm(preflight(), 'h2')).toBe(true);
    expect(canConfirm(undefined, 'h2')).toBe(false);
    expect(canConfirm(preflight(), undefined)).toBe(false);
    // A verdict for another target than the one now chosen does not count.
    expect(canConfirm(preflight(), 'h3')).toBe(false);
    const b = { code: 'vm-busy' as const, message: 'm', remedy: 'r' };
    expect(canConfirm(preflight({ ok: false, blockers: [b] }), 'h2')).toBe(false);
    // Blockers win over an inconsistent ok flag.
    expect(canConfirm(preflight({ ok: true, blockers: [b] }), 'h2')).toBe(false);
  });
});
