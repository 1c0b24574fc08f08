import { describe, expect, it } from 'vitest';
import type { Cluster, ClusterPreview, Operation } from '../../../api/clusters-api';
import type { BaseImage } from '../../../api/images-api';
import { confirmDomains, deleteTargets } from '../../../renderer/views/clusters/delete-targets';
import { imageOptions } from '../../../renderer/views/clusters/image-options';
import {
  canCancel,
  canResume,
  canRollBack,
  mergeOperation,
  operationTitle,
  phaseText,
  progressPercent,
  statusText,
} from '../../../renderer/views/clusters/operation-text';
import { previewHostRows, previewNodeRows } from '../../../renderer/views/clusters/preview-rows';

const preview: ClusterPreview = {
  planId: 'plan-1',
  nodes: [
    { index: 1, name: 'c-1', hostId: 'h2', addresses: ['10.0.0.11', '192.168.1.11'] },
    { index: 0, name: 'c-0', hostId: 'h1', addresses: ['10.0.0.10', '192.168.1.10'] },
    { index: 2, name: 'c-2', hostId: 'h3', addresses: ['10.0.0.12', '192.168.1.12'] },
  ],
  hosts: [
    {
      hostId: 'h1',
      name: 'alpha',
      freeMemoryKiBBefore: 4 * 1024 * 1024,
      freeMemoryKiBAfter: 3.5 * 1024 * 1024,
      memoryPercentBefore: 50,
      memoryPercentAfter: 56.4,
      cpuPercent: 12.6,
      nodes: 1,
    },
    {
      hostId: 'h2',
      name: 'beta',
      freeMemoryKiBBefore: 1000,
      freeMemoryKiBAfter: 1000,
      memoryPercentBefore: 10,
      memoryPercentAfter: 10,
      cpuPercent: 0,
      nodes: 0,
    },
  ],
};

describe('preview rows', () => {
  it('lists nodes in index order with host names, falling back to given names, then ids', () => {
    expect(previewNodeRows(preview, new Map([['h3', 'gamma']]))).toEqual([
      { name: 'c-0', hostId: 'h1', host: 'alpha', addresses: '10.0.0.10, 192.168.1.10' },
      { name: 'c-1', hostId: 'h2', host: 'beta', addresses: '10.0.0.11, 192.168.1.11' },
      { name: 'c-2', hostId: 'h3', host: 'gamma', addresses: '10.0.0.12, 192.168.1.12' },
    ]);
    expect(previewNodeRows(preview)[2]?.host).toBe('h3');
  });

  it('shows each host before → after as text', () => {
    const [a, b] = previewHostRows(preview);
    expect(a).toMatchObject({
      host: 'alpha',
      memoryText: '50% → 56%',
      freeText: '4,096 MiB → 3,584 MiB',
      cpuText: '13%',
      nodesText: '+1',
      memoryPercentAfter: 56.4,
    });
    expect(b).toMatchObject({ host: 'beta', nodesText: 'none', freeText: '0 MiB → 0 MiB' });
  });
});

function op(patch: Partial<Operation> = {}): Operation {
  return {
    id: 'op1',
    kind: 'create',
    cluster: 'demo',
    ownerId: 'u1',
    status: 'running',
    startedAt: '2026-01-01T00:00:00.000Z',
    nodes: [],
    ...patch,
  };
}
const node = (index: number, phase: Operation['nodes'][number]['phase'], error?: string) => ({
  index,
  name: `demo-${index}`,
  hostId: 'h1',
  phase,
  ...(error ? { error } : {}),
});

describe('operation text', () => {
  it('names every phase in words', () => {
    expect(phaseText(node(0, 'waiting-ssh'))).toBe('waiting for SSH');
    expect(phaseText(node(0, 'rolled-back'))).toBe('rolled back');
    expect(phaseText(node(0, 'failed', 'host h2 dropped'))).toBe('failed: host h2 dropped');
    expect(phaseText(node(0, 'failed'))).toBe('failed: unknown error');
    expect(phaseText(node(0, 'queued'))).toBe('queued');
  });

  it('measures progress from per-node phases, 100 once ended', () => {
    expect(progressPercent(op({ nodes: [node(0, 'queued'), node(1, 'queued')] }))).toBe(0);
    expect(progressPercent(op({ nodes: [node(0, 'ready'), node(1, 'queued')] }))).toBe(50);
    expect(progressPercent(op({ nodes: [node(0, 'waiting-ssh'), node(1, 'failed')] }))).toBe(86);
    expect(progressPercent(op({ nodes: [] }))).toBe(0);
    expect(progressPercent(op({ status: 'succeeded', nodes: [node(0, 'queued')] }))).toBe(100);
    expect(progressPercent(op({ status: 'interrupted', nodes: [node(0, 'cloning')] }))).toBe(14);
  });

  it('titles, statuses and the actions each status allows', () => {
    expect(operationTitle(op({ kind: 'add-nodes' }))).toBe('Add nodes to demo');
    expect(operationTitle(op({ kind: 'delete' }))).toBe('Delete demo');
    expect(statusText(op({ status: 'failed', error: 'no room' }))).toBe('failed (no room)');
    expect(statusText(op({ status: 'rolling-back' }))).toBe('rolling back');
    expect(canCancel(op())).toBe(true);
    expect(canCancel(op({ status: 'cancelling' }))).toBe(false);
    expect(canResume(op({ status: 'interrupted' }))).toBe(true);
    expect(canResume(op({ status: 'failed' }))).toBe(false);
    expect(canRollBack(op({ status: 'failed' }))).toBe(true);
    expect(canRollBack(op({ status: 'succeeded' }))).toBe(false);
  });

  it('merges a newer report by id and keeps interrupted, then running, first', () => {
    const done = op({ id: 'a', status: 'succeeded', startedAt: '2026-01-03T00:00:00Z' });
    const running = op({ id: 'b', startedAt: '2026-01-01T00:00:00Z' });
    const stopped = op({ id: 'c', status: 'interrupted', startedAt: '2026-01-02T00:00:00Z' });
    let list = mergeOperation([], done);
    list = mergeOperation(list, running);
    list = mergeOperation(list, stopped);
    expect(list.map((o) => o.id)).toEqual(['c', 'b', 'a']);
    list = mergeOperation(list, { ...running, status: 'succeeded' });
    expect(list.map((o) => `${o.id}:${o.status}`)).toEqual([
      'c:interrupted',
      'a:succeeded',
      'b:succeeded',
    ]);
  });
});

const image = (hostId: string, name: string, marked = true): BaseImage => ({
  hostId,
  pool: 'default',
  name,
  path: `/var/lib/libvirt/images/${name}`,
  format: 'qcow2',
  capacityBytes: 1,
  allocationBytes: 1,
  boot: { kind: 'disk' },
  marked,
});

describe('image options', () => {
  const images = [image('h1', 'base.qcow2'), image('h2', 'base.qcow2'), image('h2', 'alpine.raw')];
  it('groups by name and counts hosts', () => {
    expect(imageOptions(images)).toEqual([
      { name: 'alpine.raw', hostIds: ['h2'], label: 'alpine.raw (on 1 of 2 hosts)' },
      { name: 'base.qcow2', hostIds: ['h1', 'h2'], label: 'base.qcow2 (on 2 of 2 hosts)' },
    ]);
  });
  it('keeps only images on online hosts', () => {
    expect(imageOptions(images, new Set(['h1']))).toEqual([
      { name: 'base.qcow2', hostIds: ['h1'], label: 'base.qcow2 (on 1 of 1 host)' },
    ]);
    expect(imageOptions(images, new Set())).toEqual([]);
  });
  it('offers only images the administrator marked (an admin lists unmarked ones too)', () => {
    const mixed = [image('h1', 'base.qcow2'), image('h2', 'other-vm.qcow2', false)];
    expect(imageOptions(mixed).map((o) => o.name)).toEqual(['base.qcow2']);
  });
});

describe('delete targets', () => {
  const cluster: Cluster = {
    name: 'demo',
    ownerId: 'u1',
    nodes: [],
    resources: [
      { hostId: 'h2', domains: ['demo-1'], volumes: ['demo-1.qcow2', 'demo-1-seed.iso'] },
      { hostId: 'h1', domains: ['demo-2', 'demo-0'], volumes: ['demo-0.qcow2', 'demo-2.qcow2'] },
    ],
  };
  it('names every domain and volume per host, hosts by name', () => {
    expect(
      deleteTargets(
        cluster,
        new Map([
          ['h1', 'zeta'],
          ['h2', 'alpha'],
        ]),
      ),
    ).toEqual([
      {
        hostId: 'h2',
        host: 'alpha',
        domains: ['demo-1'],
        volumes: ['demo-1-seed.iso', 'demo-1.qcow2'],
      },
      {
        hostId: 'h1',
        host: 'zeta',
        domains: ['demo-0', 'demo-2'],
        volumes: ['demo-0.qcow2', 'demo-2.qcow2'],
      },
    ]);
  });
  it('confirms with exactly the domain names', () => {
    expect(confirmDomains(cluster)).toEqual(['demo-0', 'demo-1', 'demo-2']);
  });
});
