import { SnapshotName } from '../../../api/snapshots-api';

/** The name's problem, checked as the contract checks it, plus a clash with an existing one. */
export function nameProblem(name: string, taken: readonly string[]): string | undefined {
  const parsed = SnapshotName.safeParse(name);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'too_small') return 'enter a name';
    if (issue.code === 'too_big') return 'at most 64 characters';
    return 'start with a letter or digit; then letters, digits, dot, dash and underscore only';
  }
  if (taken.includes(parsed.data)) return `${parsed.data} exists already; choose another name`;
  return undefined;
}

/** The description's problem (one line, no control characters, at most 1000 characters). */
export function descriptionProblem(text: string): string | undefined {
  if (text.length > 1000) return 'at most 1000 characters';
  if (/\p{Cc}/u.test(text)) return 'one line, without control characters';
  return undefined;
}
