import { describe, expect, it } from 'vitest';
import type { Vm } from '../../../api/inventory-api';
import { fromSnapshot, vmKey } from '../../../renderer/views/topology/inventory-reducer';
import {
  COLLAPSE_ABOVE,
  FOLD_ALL_ABOVE,
  buildMapGraph,
  clusterNodeId,
  vmNodeId,
} from '../../../renderer/views/topology/map/map-graph';
import { host, vm } from '../inventory/vm-fixture';

const nic = (source: string, mac = '52:54:00:00:00:01') => ({ mac, source, addresses: [] });
const member = (cluster: string, index: number): Vm['membership'] => ({
  cluster,
  owner: 'u1',
  index,
});

describe('map graph', () => {
  const view = fromSnapshot({
    hosts: [host('h2'), host('h1')],
    vms: [
      vm('h1', 1, { name: 'c-0', membership: member('c', 0), nics: [nic('br0')] }),
      vm('h2', 2, { name: 'c-1', membership: member('c', 1), nics: [nic('br0')] }),
      vm('h1', 3, { name: 'c-2', membership: member('c', 2), nics: [nic('br0'), nic('br1')] }),
      vm('h1', 4, { name: 'loose', nics: [] }),
    ],
  });

  it('nests hosts > clusters > VMs, hosts by name, "No cluster" last, VMs by index', () => {
    const g = buildMapGraph(view, { h1: 'alpha', h2: 'beta' });
    expect(g.hosts.map((h) => h.label)).toEqual(['alpha', 'beta']);
    const [a, b] = g.hosts;
    expect(a!.clusters.map((c) => c.label)).toEqual(['c', 'No cluster']);
    expect(a!.clusters[0]!.vmKeys).toEqual([vmKey(vm('h1', 1)), vmKey(vm('h1', 3))]);
    expect(b!.clusters.map((c) => c.label)).toEqual(['c']);
    expect(a!.networks.map((n) => n.name)).toEqual(['br0', 'br1']);
  });

  it('draws one edge per VM and bridge it attaches to', () => {
    const g = buildMapGraph(view);
    const fromVm3 = g.edges.filter((e) => e.source === vmNodeId(vmKey(vm('h1', 3))));
    expect(fromVm3.map((e) => e.target).sort()).toEqual(['n:h1/br0', 'n:h1/br1']);
    expect(fromVm3[0]!.label).toBe('c-2 attached to br0');
    expect(g.edges).toHaveLength(4);
  });

  it('a folded cluster carries its VMs’ edges as one per bridge, with the count', () => {
    const id = clusterNodeId('h1', 'c');
    const g = buildMapGraph(view, {}, '', { [id]: true });
    const cluster = g.hosts[0]!.clusters[0]!;
    expect(cluster.collapsed).toBe(true);
    const folded = g.edges.filter((e) => e.source === id);
    expect(folded.map((e) => [e.target, e.count])).toEqual([
      ['n:h1/br0', 2],
      ['n:h1/br1', 1],
    ]);
    expect(g.edges.some((e) => e.source === vmNodeId(vmKey(vm('h1', 1))))).toBe(false);
  });

  it('folds big clusters by default, unless the user opened them', () => {
    const many = fromSnapshot({
      hosts: [host('h1')],
      vms: Array.from({ length: COLLAPSE_ABOVE + 1 }, (_, i) =>
        vm('h1', i + 1, { membership: member('big', i) }),
      ),
    });
    const id = clusterNodeId('h1', 'big');
    expect(buildMapGraph(many).hosts[0]!.clusters[0]!.collapsed).toBe(true);
    expect(buildMapGraph(many, {}, '', { [id]: false }).hosts[0]!.clusters[0]!.collapsed).toBe(
      false,
    );
  });

  it('on a map of more than FOLD_ALL_ABOVE VMs every group starts folded; filtered down, open', () => {
    const hosts = Array.from({ length: 10 }, (_, h) => host(`h${h}`));
    const per = Math.ceil((FOLD_ALL_ABOVE + 1) / hosts.length);
    const big = fromSnapshot({
      hosts,
      vms: hosts.flatMap((h, i) =>
        Array.from({ length: per }, (_, j) =>
          vm(h.hostId, i * 1000 + j + 1, {
            name: `n${i}-${j}`,
            membership: j < 5 ? member(`small${i}`, j) : undefined,
          }),
        ),
      ),
    });
    const all = buildMapGraph(big).hosts.flatMap((h) => h.clusters);
    expect(all.every((c) => c.collapsed)).toBe(true);
    const few = buildMapGraph(big, {}, 'n3-1').hosts.flatMap((h) => h.clusters);
    expect(few.some((c) => c.collapsed)).toBe(false);
  });

  it('keeps its signature through stats updates, and changes it when the structure changes', () => {
    const before = buildMapGraph(view).signature;
    const busy = fromSnapshot({
      hosts: [host('h2', { cpuPercent: 90 }), host('h1')],
      vms: Object.values(view.vms).map((v) => ({ ...v, cpuPercent: 55, memoryKiB: 1 })),
    });
    expect(buildMapGraph(busy).signature).toBe(before);
    const moreVms = fromSnapshot({
      hosts: Object.values(view.hosts),
      vms: [...Object.values(view.vms), vm('h2', 9)],
    });
    expect(buildMapGraph(moreVms).signature).not.toBe(before);
  });

  it('applies the tree’s filter and leaves out hosts without a match', () => {
    const g = buildMapGraph(view, { h1: 'alpha', h2: 'beta' }, 'loose');
    expect(g.hosts.map((h) => h.label)).toEqual(['alpha']);
    expect(g.hosts[0]!.clusters.map((c) => c.label)).toEqual(['No cluster']);
  });
});
