import { existsSync, readFileSync } from 'node:fs';
import { type ReportDataProblem, setAside } from './data-problems';

/**
 * Reads a JSON object file of the data folder (a conf store, a key store). A file that is not a
 * JSON object is set aside whole (see {@link setAside}) and `undefined` returned, so the store
 * starts afresh without losing the original. `undefined` too when there is no file.
 */
export function readJsonObjectFile(
  file: string,
  report: ReportDataProblem,
): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  let why: string;
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
    why = 'it is JSON but not an object';
  } catch (err) {
    why = err instanceof Error ? err.message : String(err);
  }
  setAside(file, `the file could not be read (${why})`, report, { move: true });
  return undefined;
}
