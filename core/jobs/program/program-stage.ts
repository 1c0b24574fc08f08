import { open, readFile, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import { CorralError } from '../../../api/errors';
import type { ProgramKind, ProgramUpload } from '../../../api/jobs-api';
import { mib } from './archive-entry';
import { archiveKindOf, checkArchive, extractArchive } from './program-archive';
import { detectKind } from './program-kind';
import { insideRoot, pathClash, printable, programPathProblem } from './program-paths';

/** What one dropped program may be. */
export interface StageLimits {
  /** All the uploaded bytes together (the archive itself, for an archive). */
  maxBytes: number;
  /** Files of a dropped folder (the contract allows 512). */
  maxFiles: number;
  /** Files an archive may unpack to. */
  maxArchiveFiles: number;
  /** Bytes an archive may unpack to. */
  maxUnpackedBytes: number;
}

export const DEFAULT_STAGE_LIMITS: StageLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxFiles: 512,
  maxArchiveFiles: 2048,
  maxUnpackedBytes: 256 * 1024 * 1024,
};

/** Reads up to this much of a lone file to tell an ELF's header and program headers. */
const HEAD_BYTES = 64 * 1024;

/**
 * Refuses an upload before any byte is accepted: too big (the limit named), too many files,
 * names that are not plain relative paths (checked again here, whatever the schema said), or
 * two files that clash.
 */
export function checkUpload(req: ProgramUpload, limits: StageLimits): void {
  const total = req.files.reduce((n, f) => n + f.sizeBytes, 0);
  if (total > limits.maxBytes) {
    throw new CorralError(
      'bad-request',
      `the program is ${sizeOver(total, limits.maxBytes)}; the limit is ${mib(limits.maxBytes)}`,
      { sizeBytes: total, limitBytes: limits.maxBytes },
    );
  }
  if (req.files.length > limits.maxFiles) {
    throw new CorralError(
      'bad-request',
      `the program has ${req.files.length} files; the limit is ${limits.maxFiles}`,
    );
  }
  for (const f of req.files) {
    const problem = programPathProblem(f.path);
    if (problem) throw new CorralError('bad-request', `refused: ${problem}`);
  }
  const clash = pathClash(req.files.map((f) => f.path));
  if (clash) throw new CorralError('bad-request', `refused: ${clash}`);
}

/** A size just over the limit would round to the limit itself: then say it in bytes. */
function sizeOver(bytes: number, limit: number): string {
  return mib(bytes) === mib(limit) ? `${bytes} bytes` : mib(bytes);
}

/** A staged program's description, once its files are in place. */
export interface StagedFiles {
  name: string;
  kind: ProgramKind;
  files: string[];
}

/**
 * Turns received bytes into the program's files: an archive (a lone .tar.gz, .tgz or .zip) is
 * listed and checked entry by entry, then extracted into `filesDir`, and removed; then the kind
 * is decided. Rejects with a bad-request error saying why the program is refused.
 */
export async function settleFiles(
  req: ProgramUpload,
  uploadDir: string,
  filesDir: string,
  limits: StageLimits,
): Promise<StagedFiles> {
  const lone = req.files.length === 1 ? req.files[0]!.path : undefined;
  const archive = lone ? archiveKindOf(lone) : undefined;
  let name: string;
  let files: string[];
  if (lone && archive) {
    const archivePath = insideRoot(uploadDir, lone);
    const bytes = await readFile(archivePath);
    let planned;
    try {
      planned = await checkArchive(archive, bytes, {
        maxFiles: limits.maxArchiveFiles,
        maxBytes: limits.maxUnpackedBytes,
      });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new CorralError('bad-request', `${printable(posix.basename(lone))} is refused: ${why}`);
    }
    await extractArchive(planned, filesDir);
    await rm(archivePath, { force: true });
    name = posix.basename(lone);
    files = planned.map((f) => f.path).sort();
  } else {
    files = req.files.map((f) => f.path);
    name = programName(files);
  }
  const heads =
    files.length === 1
      ? [{ path: files[0]!, head: await readHead(insideRoot(filesDir, files[0]!)) }]
      : files.map((path) => ({ path, head: new Uint8Array(0) }));
  const detected = detectKind(heads);
  if (!detected.ok) throw new CorralError('bad-request', `refused: ${detected.reason}`);
  return { name, kind: detected.layout.kind, files };
}

/** A lone file's name, or a dropped folder's (every file under one top folder), or a count. */
function programName(files: readonly string[]): string {
  if (files.length === 1) return posix.basename(files[0]!);
  const tops = new Set(files.map((f) => f.split('/')[0]!));
  if (tops.size === 1 && files.every((f) => f.includes('/'))) return [...tops][0]!;
  return `${files.length} files`;
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
