import { describe, expect, it } from 'vitest';
import { fileDropNotice, isProgramFile } from '../../../renderer/views/topology/map/map-drop';

describe('map drops', () => {
  it('knows program sources and archives from other files', () => {
    for (const n of ['a.c', 'b.CPP', 'solver.f90', 'src.tar.gz', 'x.tgz', 'p.zip']) {
      expect(isProgramFile(n)).toBe(true);
    }
    for (const n of ['notes.pdf', 'image.qcow2', 'Makefile', 'a.c.txt']) {
      expect(isProgramFile(n)).toBe(false);
    }
  });

  it('a kind nothing accepts is refused by name wherever it lands', () => {
    for (const target of [{ kind: 'no-cluster', host: 'h1' }, { kind: 'none' }] as const) {
      const n = fileDropNotice(['hello.c', 'notes.pdf'], target);
      expect(n.variant).toBe('danger');
      expect(n.title).toBe('notes.pdf: not a kind of file Corral accepts');
    }
  });

  it('files dropped where nothing accepts them, or no files at all, get a message too', () => {
    expect(fileDropNotice(['hello.c'], { kind: 'none' }).title).toBe('Nothing here accepts files');
    expect(fileDropNotice(['hello.c'], { kind: 'no-cluster', host: 'h1' }).title).toBe(
      'These VMs belong to no cluster',
    );
    expect(fileDropNotice([], { kind: 'none' }).title).toBe('Only files can be dropped on the map');
  });
});
