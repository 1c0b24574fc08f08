import { chmodSync, constants, copyFileSync, existsSync, renameSync } from 'node:fs';
import { basename } from 'node:path';

/** A file of the data folder Corral could not fully read, and where its original went. */
export interface DataProblem {
  /** The store's file. */
  file: string;
  /** The untouched original, beside it: `<file>.corrupt-<timestamp>` (mode 0600). */
  setAsideAs: string;
  /** What was wrong and what Corral did, for the log and the administrator. */
  message: string;
}

/** Where a store reports what it set aside (the log, and the core's notices). */
export type ReportDataProblem = (problem: DataProblem) => void;

/** The default report: the log only (the core adds its administrator notices). */
export const logDataProblem: ReportDataProblem = (p) => console.warn(`Corral: ${p.message}`);

/**
 * Keeps the original of a store file that failed to parse, beside it as
 * `<file>.corrupt-<timestamp>` (0600, never over an earlier one), before the store rewrites the
 * file with what it could read: bad data is never silently dropped nor overwritten. `move` when
 * nothing of the file is usable (the store starts it afresh), else a copy. Reports what happened
 * (`what`: the part that could not be read) and returns the path.
 */
export function setAside(
  file: string,
  what: string,
  report: ReportDataProblem,
  options: { move?: boolean; now?: Date } = {},
): string {
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  let aside = `${file}.corrupt-${stamp}`;
  for (let n = 2; existsSync(aside); n++) aside = `${file}.corrupt-${stamp}-${n}`;
  if (options.move) renameSync(file, aside);
  else copyFileSync(file, aside, constants.COPYFILE_EXCL);
  // Key stores and journals hold secrets: the copy is as private as the original.
  chmodSync(aside, 0o600);
  const kept = options.move ? 'starting it empty' : 'the rest was loaded';
  report({
    file,
    setAsideAs: aside,
    message: `${basename(file)}: ${what}; the original was set aside as ${aside} (${kept})`,
  });
  return aside;
}

/** `1, 4 and 9` for messages. */
export function listOf(items: readonly (string | number)[]): string {
  const all = items.map(String);
  return all.length < 2 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}
