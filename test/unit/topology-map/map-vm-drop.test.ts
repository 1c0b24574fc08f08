import { describe, expect, it } from 'vitest';
import {
  dropHighlight,
  hostAt,
  hostBoxes,
  vmDrop,
} from '../../../renderer/views/topology/map/map-vm-drop';

const boxes = hostBoxes([
  {
    type: 'host',
    position: { x: 0, y: 0 },
    width: 400,
    height: 300,
    data: { hostId: 'h1', label: 'alpha' },
  },
  {
    type: 'host',
    position: { x: 500, y: 0 },
    width: 400,
    height: 300,
    data: { hostId: 'h2', label: 'beta' },
  },
  // Clusters and VMs are not drop targets for a VM.
  { type: 'cluster', position: { x: 10, y: 40 }, width: 100, height: 100, data: {} },
]);

describe('a VM dragged on the map', () => {
  it('finds the host group under the pointer, edges included, and none between groups', () => {
    expect(boxes.map((b) => b.hostId)).toEqual(['h1', 'h2']);
    expect(hostAt({ x: 600, y: 150 }, boxes)?.hostId).toBe('h2');
    expect(hostAt({ x: 400, y: 300 }, boxes)?.hostId).toBe('h1');
    expect(hostAt({ x: 450, y: 150 }, boxes)).toBeUndefined();
    expect(hostAt({ x: 100, y: -1 }, boxes)).toBeUndefined();
  });

  it('let go over another host: the migrate dialog with that host as the target', () => {
    expect(vmDrop({ name: 'web-1', hostId: 'h1' }, 'alpha', { hostId: 'h2' })).toEqual({
      kind: 'migrate',
      targetHostId: 'h2',
    });
  });

  it('let go over its own host or no host: it stays, and the notice says how to move it', () => {
    for (const over of [{ hostId: 'h1' }, undefined]) {
      const d = vmDrop({ name: 'web-1', hostId: 'h1' }, 'alpha', over);
      expect(d.kind).toBe('stays');
      if (d.kind !== 'stays') continue;
      expect(d.notice.title).toBe('web-1 stays on alpha');
      expect(d.notice.body).toContain('Migrate…');
    }
  });

  it('highlights only another host as the drop target while dragging', () => {
    expect(dropHighlight('h1', { hostId: 'h2' })).toBe('h2');
    expect(dropHighlight('h1', { hostId: 'h1' })).toBeUndefined();
    expect(dropHighlight('h1', undefined)).toBeUndefined();
  });
});
