import { describe, expect, it } from 'vitest';
import {
  programLabel,
  programProblem,
  uploadHeader,
} from '../../../renderer/views/jobs/program-files';

describe('programs dropped or chosen', () => {
  it('takes one source, archive or binary, and refuses a plain document by name', () => {
    for (const p of ['hello.c', 'solver.F90', 'prog.tar.gz', 'src.zip', 'a.out', 'mybinary']) {
      expect(programProblem([p])).toBeUndefined();
    }
    expect(programProblem(['notes.pdf'])).toBe(
      'notes.pdf: not a kind of file Corral runs. Drop C, C++ or Fortran sources, a tar or zip archive of them, or an x86-64 program.',
    );
  });

  it('takes several files or a folder when a source or a Makefile is among them', () => {
    expect(programProblem(['p/Makefile', 'p/util.h', 'p/main.c'])).toBeUndefined();
    expect(programProblem(['p/Makefile', 'p/README'])).toBeUndefined();
    expect(programProblem(['a.txt', 'b.png'])).toMatch(/nothing to build/);
  });

  it('refuses nothing, too many files, and names with ".." or a leading dash', () => {
    expect(programProblem([])).toMatch(/Nothing to run/);
    expect(programProblem(Array.from({ length: 513 }, (_, i) => `f${i}.c`))).toMatch(/at most 512/);
    expect(programProblem(['../etc/passwd'])).toMatch(/cannot be uploaded/);
    expect(programProblem(['-rf.c'])).toMatch(/cannot be uploaded/);
  });

  it('labels a folder by its name, one file by its name, several by the first', () => {
    expect(programLabel(['ring/main.c', 'ring/Makefile'])).toBe('ring');
    expect(programLabel(['hello.c'])).toBe('hello.c');
    expect(programLabel(['a.c', 'b.c', 'c.c'])).toBe('a.c and 2 more');
  });

  it('builds the upload header in file order, keeping a folder name, or says what the contract refuses', () => {
    const ok = uploadHeader('c1', [
      { path: 'ring/main.c', size: 10 },
      { path: 'ring/Makefile', size: 3 },
    ]);
    expect(ok).toEqual({
      ok: true,
      header: {
        cluster: 'c1',
        files: [
          { path: 'ring/main.c', sizeBytes: 10 },
          { path: 'ring/Makefile', sizeBytes: 3 },
        ],
      },
    });
    const bad = uploadHeader('c1', [{ path: 'a\u0001.c', size: 1 }]);
    expect(bad.ok).toBe(false);
  });
});
