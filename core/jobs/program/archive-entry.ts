import { posix } from 'node:path';
import { pathClash, printable, programPathProblem } from './program-paths';

/*
 * Corral reads .tar.gz and .zip archives itself: the only tar library in node_modules comes with
 * the packaging tools (not something the app ships) and there is no zip reader at all; both
 * listings are small formats, and every entry has to be checked before a single byte is written,
 * which a streaming extractor would not let us do as simply.
 */

export type ArchiveEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'device' | 'fifo';

/** One entry of an archive's listing, before anything is extracted. */
export interface ArchiveEntry {
  /** As written in the archive (a leading "./" and a trailing "/" already taken off). */
  path: string;
  type: ArchiveEntryType;
  size: number;
  /** Unix permission bits when the archive has them. */
  mode?: number;
  /** A link's target, as written in the archive. */
  linkTarget?: string;
  /** The entry's bytes (files; a zip symlink's target). */
  data(): Uint8Array;
}

/** The limits an archive's contents must keep to. */
export interface ArchiveLimits {
  maxFiles: number;
  maxBytes: number;
}

/** A file to write when the archive passed every check: its path and where its bytes come from. */
export interface ArchiveFile {
  path: string;
  /** Keeps the owner's execute bit (a prebuilt helper script, say). */
  executable: boolean;
  data(): Uint8Array;
}

/** An archive's name takes off "./" prefixes and a folder's trailing "/". */
export function normaliseEntryName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  while (n.endsWith('/') && n.length > 1) n = n.slice(0, -1);
  return n;
}

/**
 * Checks a whole listing and says what to extract: regular files only, with links inside the
 * archive turned into copies of the file they name. Refused (with the entry named) are absolute
 * paths, "..", control characters, device files and fifos, links that leave the archive's root
 * or name something that is not one of its files, too many files, and too many bytes.
 */
export function planExtraction(
  entries: readonly ArchiveEntry[],
  limits: ArchiveLimits,
): { ok: true; files: ArchiveFile[] } | { ok: false; reason: string } {
  const byPath = new Map<string, ArchiveEntry>();
  for (const e of entries) {
    if (e.path === '.' || e.path === '') continue;
    const problem = programPathProblem(e.path);
    if (problem) return { ok: false, reason: `the archive entry ${problem}` };
    if (e.type === 'device' || e.type === 'fifo') {
      const what = e.type === 'device' ? 'a device file' : 'a fifo';
      return { ok: false, reason: `the archive entry "${printable(e.path)}" is ${what}` };
    }
    if (e.type === 'dir') continue;
    if (byPath.has(e.path)) {
      return { ok: false, reason: `the archive holds "${printable(e.path)}" twice` };
    }
    byPath.set(e.path, e);
  }
  const files: ArchiveFile[] = [];
  let bytes = 0;
  for (const e of byPath.values()) {
    let source = e;
    if (e.type === 'symlink' || e.type === 'hardlink') {
      const target = linkTargetPath(e);
      const resolved = target === undefined ? undefined : byPath.get(target);
      if (target === undefined) {
        return {
          ok: false,
          reason: `the archive entry "${printable(e.path)}" is a link leaving the archive's folder`,
        };
      }
      if (!resolved || resolved.type !== 'file') {
        return {
          ok: false,
          reason: `the archive entry "${printable(e.path)}" is a link to "${printable(target)}", which is not a file of the archive`,
        };
      }
      source = resolved;
    }
    bytes += source.size;
    if (bytes > limits.maxBytes) {
      return { ok: false, reason: `the archive unpacks to more than ${mib(limits.maxBytes)}` };
    }
    files.push({
      path: e.path,
      executable: ((source.mode ?? 0) & 0o100) !== 0,
      data: () => source.data(),
    });
  }
  if (files.length > limits.maxFiles) {
    return {
      ok: false,
      reason: `the archive holds ${files.length} files; the limit is ${limits.maxFiles}`,
    };
  }
  if (files.length === 0) return { ok: false, reason: 'the archive holds no files' };
  const clash = pathClash(files.map((f) => f.path));
  if (clash) return { ok: false, reason: `in the archive, ${clash}` };
  return { ok: true, files };
}

/**
 * The archive path a link names, or undefined when it points outside the archive's root. A
 * symlink's target is relative to its own folder; a hard link's to the archive's root.
 */
function linkTargetPath(e: ArchiveEntry): string | undefined {
  const raw = e.linkTarget ?? '';
  if (raw === '' || raw.startsWith('/') || /\p{Cc}/u.test(raw)) return undefined;
  const base = e.type === 'symlink' ? posix.dirname(e.path) : '.';
  const joined = posix.normalize(posix.join(base, raw));
  if (joined === '..' || joined.startsWith('../') || joined.startsWith('/')) return undefined;
  return normaliseEntryName(joined);
}

export function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}
