import { describe, expect, it } from 'vitest';
import { fromSnapshot } from '../../../renderer/views/topology/inventory-reducer';
import {
  NO_CLUSTER,
  buildRows,
  stateLabel,
  stateTone,
} from '../../../renderer/views/topology/topology-rows';
import { host, vm } from '../inventory/vm-fixture';

const m = (cluster: string, index: number) => ({ cluster, owner: 'a', index });

const view = fromSnapshot({
  hosts: [host('h2', { hostname: 'beta' }), host('h1', { hostname: 'alpha' })],
  vms: [
    vm('h1', 1, { name: 'web-2', membership: m('web', 2), state: 'running' }),
    vm('h1', 2, { name: 'web-1', membership: m('web', 1) }),
    vm('h1', 3, { name: 'loner' }),
    vm('h2', 4, { name: 'db-0', membership: m('db', 0), state: 'paused' }),
  ],
});

const names = (rows: ReturnType<typeof buildRows>) =>
  rows.map((r) =>
    r.kind === 'host'
      ? `H ${r.facts?.hostname}`
      : r.kind === 'cluster'
        ? `C ${r.cluster ?? NO_CLUSTER}`
        : `V ${r.vm.name}`,
  );

describe('topology rows', () => {
  it('builds hosts -> clusters -> VMs, "No cluster" last, VMs by index', () => {
    expect(names(buildRows(view))).toEqual([
      'H alpha',
      'C web',
      'V web-1',
      'V web-2',
      'C No cluster',
      'V loner',
      'H beta',
      'C db',
      'V db-0',
    ]);
  });

  it('filters by name, host and state words; all words must match', () => {
    expect(names(buildRows(view, 'web-1'))).toEqual(['H alpha', 'C web', 'V web-1']);
    expect(names(buildRows(view, 'beta'))).toEqual(['H beta', 'C db', 'V db-0']);
    expect(names(buildRows(view, 'shut off'))).toEqual([
      'H alpha',
      'C web',
      'V web-1',
      'C No cluster',
      'V loner',
    ]);
    expect(names(buildRows(view, 'RUNNING alpha'))).toEqual(['H alpha', 'C web', 'V web-2']);
    expect(buildRows(view, 'nothing-like-this')).toEqual([]);
  });

  it('folds collapsed hosts and clusters', () => {
    expect(names(buildRows(view, '', new Set(['host:h1', 'cluster:h2/db'])))).toEqual([
      'H alpha',
      'H beta',
      'C db',
    ]);
  });

  it('says unknown (stale), never stopped, for a dropped host', () => {
    expect(stateLabel({ state: 'shut-off', stale: true })).toBe('unknown (stale)');
    expect(stateLabel({ state: 'shut-off', stale: false })).toBe('shut off');
    expect(stateTone({ state: 'running', stale: true })).toBe('unknown');
    expect(stateTone({ state: 'running', stale: false })).toBe('ok');
  });
});
