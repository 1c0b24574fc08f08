import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type ArchiveFile, type ArchiveLimits, mib, planExtraction } from './archive-entry';
import { ArchiveFormatError, listTar } from './archive-tar';
import { listZip } from './archive-zip';
import { insideRoot } from './program-paths';

const gunzipAsync = promisify(gunzip);

export type ArchiveKind = 'tar.gz' | 'zip';

/** The archive format a dropped file's name says it is, if any. */
export function archiveKindOf(name: string): ArchiveKind | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'tar.gz';
  if (n.endsWith('.zip')) return 'zip';
  return undefined;
}

/**
 * Lists and checks an archive, extracting nothing: resolves with the files to write, or rejects
 * with why the archive is refused (the offending entry named).
 */
export async function checkArchive(
  kind: ArchiveKind,
  bytes: Uint8Array,
  limits: ArchiveLimits,
): Promise<ArchiveFile[]> {
  let entries;
  try {
    if (kind === 'zip') {
      entries = listZip(bytes);
    } else {
      // Headers and padding add up to a block per entry on top of the contents.
      const maxOutputLength = limits.maxBytes + (limits.maxFiles + 16) * 1024 * 2;
      let tar: Buffer;
      try {
        tar = await gunzipAsync(bytes, { maxOutputLength });
      } catch (err) {
        if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          throw new ArchiveFormatError(`the archive unpacks to more than ${mib(limits.maxBytes)}`);
        throw new ArchiveFormatError('not a gzip-compressed tar archive');
      }
      entries = listTar(tar);
    }
  } catch (err) {
    if (err instanceof ArchiveFormatError) throw err;
    throw new ArchiveFormatError(`the archive cannot be read: ${String(err)}`);
  }
  const plan = planExtraction(entries, limits);
  if (!plan.ok) throw new ArchiveFormatError(plan.reason);
  // A zip entry's bytes are checked (size, CRC) when unpacked: do it now, so a damaged entry
  // refuses the archive before anything is written rather than halfway through.
  if (kind === 'zip') for (const f of plan.files) f.data();
  return plan.files;
}

/** Writes checked files under `root` (which must be empty); never over an existing file. */
export async function extractArchive(files: readonly ArchiveFile[], root: string): Promise<void> {
  for (const f of files) {
    const target = insideRoot(root, f.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, f.data(), { flag: 'wx', mode: f.executable ? 0o700 : 0o600 });
  }
}
