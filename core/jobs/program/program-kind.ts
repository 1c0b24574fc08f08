import { posix } from 'node:path';
import type { ProgramKind } from '../../../api/jobs-api';
import { checkElf, hasElfMagic } from './elf-header';

/** What a build needs to know about a staged program's files. */
export interface ProgramLayout {
  kind: ProgramKind;
  /** make: the folder holding the Makefile ("" = the root); elf: the binary's path. */
  entry: string;
  /** The sources a compiler gets, in a stable order (compiled kinds only). */
  sources: string[];
}

const SOURCE_KINDS: Record<string, ProgramKind> = {
  '.c': 'c',
  '.cc': 'cxx',
  '.cpp': 'cxx',
  '.cxx': 'cxx',
  '.f': 'fortran',
  '.f90': 'fortran',
  '.f95': 'fortran',
  '.f03': 'fortran',
};
const LANGUAGE: Record<string, string> = { c: 'C', cxx: 'C++', fortran: 'Fortran' };
const MAKEFILES = new Set(['Makefile', 'makefile', 'GNUmakefile']);

/** The source kind a file name says, if it is a source. */
export function sourceKind(path: string): ProgramKind | undefined {
  return SOURCE_KINDS[posix.extname(path).toLowerCase()];
}

/**
 * Decides how a staged program is built from its files (and, for a lone file, its first bytes):
 * a Makefile (the shallowest one) means make; a single file that starts like an ELF must be a
 * runnable x86-64 executable; otherwise every source must be of one language (C with mpicc,
 * C++ with mpicxx, Fortran with mpifort). Pure.
 */
export function detectKind(
  files: ReadonlyArray<{ path: string; head: Uint8Array }>,
): { ok: true; layout: ProgramLayout } | { ok: false; reason: string } {
  if (files.length === 1 && hasElfMagic(files[0]!.head)) {
    const verdict = checkElf(files[0]!.head);
    if (!verdict.ok) return { ok: false, reason: `${files[0]!.path} is ${verdict.reason}` };
    return { ok: true, layout: { kind: 'elf', entry: files[0]!.path, sources: [] } };
  }
  const makeDir = makefileDir(files.map((f) => f.path));
  if (typeof makeDir === 'object') return makeDir;
  if (makeDir !== undefined)
    return { ok: true, layout: { kind: 'make', entry: makeDir, sources: [] } };
  const kinds = new Set<ProgramKind>();
  const sources: string[] = [];
  for (const f of files) {
    const k = sourceKind(f.path);
    if (!k) continue;
    kinds.add(k);
    sources.push(f.path);
  }
  if (kinds.size === 0) {
    if (files.length === 1)
      return { ok: false, reason: `${files[0]!.path} is not an ELF binary or a known source` };
    return {
      ok: false,
      reason:
        'no Makefile and no C, C++ or Fortran source among the files: not an ELF binary or a known source',
    };
  }
  if (kinds.size > 1) {
    const names = [...kinds].map((k) => LANGUAGE[k]).join(' and ');
    return {
      ok: false,
      reason: `the program mixes ${names} sources; add a Makefile that says how to build it`,
    };
  }
  return { ok: true, layout: { kind: [...kinds][0]!, entry: '', sources: sources.sort() } };
}

/** The layout of a program whose kind is already known (as staged), from its file list. */
export function layoutOf(kind: ProgramKind, files: readonly string[]): ProgramLayout {
  if (kind === 'elf') return { kind, entry: files[0] ?? '', sources: [] };
  if (kind === 'make') {
    const dir = makefileDir(files);
    return { kind, entry: typeof dir === 'string' ? dir : '', sources: [] };
  }
  return { kind, entry: '', sources: files.filter((f) => sourceKind(f) === kind).sort() };
}

/** The folder of the shallowest Makefile; refused when two folders at that depth have one. */
function makefileDir(paths: readonly string[]): string | undefined | { ok: false; reason: string } {
  const found = paths.filter((p) => MAKEFILES.has(posix.basename(p)));
  if (found.length === 0) return undefined;
  const depth = (p: string) => p.split('/').length;
  const least = Math.min(...found.map(depth));
  const dirs = new Set(
    found
      .filter((p) => depth(p) === least)
      .map((p) => {
        const d = posix.dirname(p);
        return d === '.' ? '' : d;
      }),
  );
  if (dirs.size > 1) {
    return {
      ok: false,
      reason: `Makefiles in several folders (${[...dirs].sort().join(', ')}); drop the folder that builds the program`,
    };
  }
  return [...dirs][0]!;
}
