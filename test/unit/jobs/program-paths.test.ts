import { describe, expect, it } from 'vitest';
import type { ProgramUpload } from '../../../api/jobs-api';
import {
  insideRoot,
  pathClash,
  programPathProblem,
} from '../../../core/jobs/program/program-paths';
import { checkUpload, DEFAULT_STAGE_LIMITS } from '../../../core/jobs/program/program-stage';

const upload = (files: ProgramUpload['files']): ProgramUpload => ({ cluster: 'c1', files });

describe('names of a program’s files', () => {
  it('accepts plain relative paths', () => {
    for (const p of ['main.c', 'src/a b.c', 'deep/er/x.f90', 'été.c']) {
      expect(programPathProblem(p)).toBeUndefined();
    }
  });

  it('refuses absolute paths, "..", ".", backslashes, leading dashes and control characters', () => {
    expect(programPathProblem('/etc/passwd')).toMatch(/absolute path/);
    expect(programPathProblem('a/../../b')).toMatch(/leaves its folder/);
    expect(programPathProblem('a\tb.c')).toBe('"a\\x09b.c" has control characters in its name');
    expect(programPathProblem('x\u0085y')).toMatch(/control characters/);
    expect(programPathProblem('./a.c')).toMatch(/not a plain relative file name/);
    expect(programPathProblem('a\\b.c')).toMatch(/not a plain relative file name/);
    expect(programPathProblem('-rf')).toMatch(/not a plain relative file name/);
    expect(programPathProblem('a//b')).toMatch(/not a plain relative file name/);
  });

  it('resolves a file only inside the program folder', () => {
    expect(insideRoot('/data/p', 'src/a.c')).toBe('/data/p/src/a.c');
    expect(() => insideRoot('/data/p', '../q/a.c')).toThrow(/outside/);
    expect(() => insideRoot('/data/p', '/etc/passwd')).toThrow(/outside/);
    expect(() => insideRoot('/data/p', '.')).toThrow(/outside/);
  });

  it('refuses two files of the same name, and a file that is also a folder', () => {
    expect(pathClash(['a.c', 'b/a.c'])).toBeUndefined();
    expect(pathClash(['a.c', 'a.c'])).toMatch(/appears twice/);
    expect(pathClash(['a', 'a/b.c'])).toMatch(/"a" is both a file and a folder/);
    expect(pathClash(['a/b.c', 'a'])).toMatch(/"a"/);
  });
});

describe('an upload refused before any byte is taken', () => {
  it('names the size limit when the files add up to more', () => {
    const limit = DEFAULT_STAGE_LIMITS.maxBytes;
    expect(() =>
      checkUpload(upload([{ path: 'big.c', sizeBytes: limit + 1 }]), DEFAULT_STAGE_LIMITS),
    ).toThrow('the program is 67108865 bytes; the limit is 64 MiB');
    expect(() =>
      checkUpload(
        upload([
          { path: 'a.c', sizeBytes: 40 * 1024 * 1024 },
          { path: 'b.c', sizeBytes: 40 * 1024 * 1024 },
        ]),
        DEFAULT_STAGE_LIMITS,
      ),
    ).toThrow('the program is 80 MiB; the limit is 64 MiB');
    expect(() =>
      checkUpload(upload([{ path: 'a.c', sizeBytes: limit }]), DEFAULT_STAGE_LIMITS),
    ).not.toThrow();
  });

  it('refuses too many files, bad names and clashing names', () => {
    const files = Array.from({ length: 4 }, (_, i) => ({ path: `f${i}.c`, sizeBytes: 1 }));
    expect(() => checkUpload(upload(files), { ...DEFAULT_STAGE_LIMITS, maxFiles: 3 })).toThrow(
      'the program has 4 files; the limit is 3',
    );
    expect(() =>
      checkUpload(upload([{ path: 'bad\x07.c', sizeBytes: 1 }]), DEFAULT_STAGE_LIMITS),
    ).toThrow(/control characters/);
    expect(() =>
      checkUpload(
        upload([
          { path: 'x', sizeBytes: 1 },
          { path: 'x/y.c', sizeBytes: 1 },
        ]),
        DEFAULT_STAGE_LIMITS,
      ),
    ).toThrow(/both a file and a folder/);
  });
});
