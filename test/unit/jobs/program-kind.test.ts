import { describe, expect, it } from 'vitest';
import { detectKind, layoutOf } from '../../../core/jobs/program/program-kind';
import { elfHeader } from './program-fixtures';

const text = (path: string) => ({ path, head: Buffer.from('int main(void) { return 0; }\n') });

describe('what kind of program was dropped', () => {
  it('compiles C, C++ and Fortran sources with their Open MPI wrapper', () => {
    expect(detectKind([text('hello.c')])).toMatchObject({ ok: true, layout: { kind: 'c' } });
    for (const ext of ['cc', 'cpp', 'cxx']) {
      expect(detectKind([text(`a.${ext}`)])).toMatchObject({ layout: { kind: 'cxx' } });
    }
    for (const ext of ['f', 'f90', 'f95', 'f03', 'F90']) {
      expect(detectKind([text(`a.${ext}`)])).toMatchObject({ layout: { kind: 'fortran' } });
    }
    expect(detectKind([text('src/b.c'), text('src/a.c'), text('src/a.h')])).toEqual({
      ok: true,
      layout: { kind: 'c', entry: '', sources: ['src/a.c', 'src/b.c'] },
    });
  });

  it('builds with make when a Makefile is there, in the shallowest folder that has one', () => {
    expect(
      detectKind([text('proj/Makefile'), text('proj/main.c'), text('proj/lib/Makefile')]),
    ).toEqual({ ok: true, layout: { kind: 'make', entry: 'proj', sources: [] } });
    expect(detectKind([text('makefile'), text('x.f90')])).toMatchObject({
      layout: { kind: 'make', entry: '' },
    });
    expect(detectKind([text('a/Makefile'), text('b/Makefile')])).toMatchObject({
      ok: false,
      reason: /Makefiles in several folders \(a, b\)/,
    });
  });

  it('runs a lone x86-64 ELF as it is and refuses one for another architecture', () => {
    expect(detectKind([{ path: 'app', head: elfHeader() }])).toEqual({
      ok: true,
      layout: { kind: 'elf', entry: 'app', sources: [] },
    });
    expect(detectKind([{ path: 'app', head: elfHeader({ machine: 183 }) }])).toEqual({
      ok: false,
      reason: 'app is an ELF for AArch64, not x86-64',
    });
  });

  it('refuses what is neither a binary nor a known source, and mixed languages', () => {
    expect(detectKind([text('notes.txt')])).toEqual({
      ok: false,
      reason: 'notes.txt is not an ELF binary or a known source',
    });
    expect(detectKind([text('a.txt'), text('b.py')])).toMatchObject({ ok: false });
    expect(detectKind([text('a.c'), text('b.f90')])).toMatchObject({
      reason: /mixes C and Fortran sources; add a Makefile/,
    });
  });

  it('finds the same layout again from a staged file list', () => {
    expect(layoutOf('cxx', ['b.cpp', 'a.cc', 'x.h'])).toEqual({
      kind: 'cxx',
      entry: '',
      sources: ['a.cc', 'b.cpp'],
    });
    expect(layoutOf('make', ['p/Makefile', 'p/m.c']).entry).toBe('p');
    expect(layoutOf('elf', ['bin']).entry).toBe('bin');
  });
});
