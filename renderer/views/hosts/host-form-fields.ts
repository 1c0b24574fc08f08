/** How the host is reached: the form's three choices. */
export type AuthKind = 'agent' | 'key' | 'password';

/** The host form's fields as typed (strings, before the contract's schema checks them). */
export interface Fields {
  name: string;
  address: string;
  port: string;
  user: string;
  auth: AuthKind;
  keyPath: string;
  passphrase: string;
  password: string;
}

/** A schema problem, as zod reports it (only what is read here). */
export interface Issue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  minimum?: unknown;
}

/** The schema's words where a person's read better ("Required" for an empty field). */
function wording(issue: Issue): string {
  if (issue.code === 'too_small' && Number(issue.minimum) === 1) return 'Required.';
  return issue.message;
}

const FIELD_NAMES: ReadonlySet<string> = new Set([
  'name',
  'address',
  'port',
  'user',
  'keyPath',
  'passphrase',
  'password',
]);

/**
 * The contract schema's problems mapped to the field that shows each (`auth.keyPath` belongs to
 * "Key file path"); a problem no field owns goes to Name so it is never silently dropped. The
 * first problem per field wins: one fix at a time reads better than a list.
 */
export function fieldErrors(issues: readonly Issue[]): Partial<Record<keyof Fields, string>> {
  const out: Partial<Record<keyof Fields, string>> = {};
  for (const issue of issues) {
    const last = [...issue.path].reverse().find((p) => FIELD_NAMES.has(String(p)));
    const key = (last === undefined ? 'name' : String(last)) as keyof Fields;
    const text =
      last === undefined && issue.path.length > 0
        ? `${issue.path.join('.')}: ${wording(issue)}`
        : wording(issue);
    out[key] ??= text;
  }
  return out;
}
