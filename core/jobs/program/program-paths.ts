import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ProgramPath } from '../../../api/jobs-api';

/**
 * Why `path` may not name a file of a program (undefined when it may): the contract's rule
 * (relative, no "." or "..", no "\\", no control characters, no leading "-") checked again here,
 * because archive entries never went through the contract's schema.
 */
export function programPathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return `"${printable(path)}" is an absolute path`;
  if (/\p{Cc}/u.test(path)) return `"${printable(path)}" has control characters in its name`;
  if (path.split('/').some((s) => s === '..')) return `"${printable(path)}" leaves its folder`;
  const parsed = ProgramPath.safeParse(path);
  if (!parsed.success) return `"${printable(path)}" is not a plain relative file name`;
  return undefined;
}

/**
 * The absolute path of `path` inside `root`, refused when it would resolve elsewhere: the name
 * check above should make that impossible, and this makes sure of it where files are written.
 */
export function insideRoot(root: string, path: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new Error(`"${printable(path)}" resolves outside the program's folder`);
  }
  return full;
}

/**
 * Files of one program must not clash: two with the same name, or one that is also another's
 * folder ("a" and "a/b"). Returns why, or undefined.
 */
export function pathClash(paths: readonly string[]): string | undefined {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const p of paths) {
    if (files.has(p) || dirs.has(p)) return `"${printable(p)}" appears twice`;
    files.add(p);
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of dirs) if (files.has(d)) return `"${printable(d)}" is both a file and a folder`;
  return undefined;
}

/** A name as it may be shown in a message: control characters made visible. */
export function printable(name: string): string {
  const shown = name.replace(
    /\p{Cc}/gu,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}
