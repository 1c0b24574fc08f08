import { ProgramPath, ProgramUpload } from '../../../api/jobs-api';

/** A file of a dropped or chosen program: its path under the program's root and its bytes. */
export interface ProgramFile {
  path: string;
  file: Blob;
}

/** The contract's limits on one upload (checked again by core). */
export const MAX_FILES = 512;

const SOURCE = /\.(c|cc|cpp|cxx|f|f77|f90|f95|f03|f08)$/i;
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.xz|tar\.bz2|zip)$/i;
const MAKEFILE = /^(GNUmakefile|makefile|Makefile)$/;
/** Names that are plainly something else than a program (documents, images, disks). */
const NOT_PROGRAM =
  /\.(pdf|txt|md|doc|docx|odt|png|jpe?g|gif|svg|qcow2|img|iso|raw|json|xml|html?|csv|h|hpp)$/i;

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Why these files cannot be a program, as the sentence the user reads; undefined when they can.
 * One file: a source, an archive, or a binary (core checks it is an x86-64 ELF). Several files
 * or a folder: at least one source or a Makefile among them.
 */
export function programProblem(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return 'Nothing to run: drop program files, a folder or an archive.';
  if (paths.length > MAX_FILES)
    return `${paths.length} files: a program may have at most ${MAX_FILES}. Drop an archive of it instead.`;
  for (const p of paths) {
    if (!ProgramPath.safeParse(p).success)
      return `"${p}": a file name with "..", "\\", a control character or a leading "-" cannot be uploaded.`;
  }
  if (paths.length === 1) {
    const name = base(paths[0]!);
    if (SOURCE.test(name) || ARCHIVE.test(name) || !NOT_PROGRAM.test(name)) return undefined;
    return `${name}: not a kind of file Corral runs. Drop C, C++ or Fortran sources, a tar or zip archive of them, or an x86-64 program.`;
  }
  if (paths.some((p) => SOURCE.test(p) || MAKEFILE.test(base(p)))) return undefined;
  return 'None of these files is a C, C++ or Fortran source or a Makefile: nothing to build.';
}

/**
 * The name the history shows: the folder for a dropped folder, the file for one file, else the
 * first file and how many more.
 */
export function programLabel(paths: readonly string[]): string {
  const roots = new Set(paths.map((p) => p.split('/')[0]!));
  if (roots.size === 1 && paths.length > 1) return [...roots][0]!;
  if (paths.length === 1) return base(paths[0]!);
  return `${base(paths[0]!)} and ${paths.length - 1} more`;
}

/**
 * The upload's header for `files` (its open argument), or the contract's complaint. A dropped
 * folder keeps its name as every path's first segment: core names the program after it and
 * builds where its Makefile is.
 */
export function uploadHeader(
  cluster: string,
  files: ReadonlyArray<{ path: string; size: number }>,
): { ok: true; header: ProgramUpload } | { ok: false; problem: string } {
  const parsed = ProgramUpload.safeParse({
    cluster,
    files: files.map((f) => ({ path: f.path, sizeBytes: f.size })),
  });
  if (parsed.success) return { ok: true, header: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid' };
}
