import { RunSpec } from '../../../api/jobs-api';

/** The run dialog's fields as typed (text), so a half-typed number is kept, not lost. */
export interface RunFormValues {
  /** Empty: every slot of the cluster. */
  ranks: string;
  ranksPerNode: string;
  oversubscribe: boolean;
  /** One argument per line, exactly as typed (no shell: spaces and quotes stay). */
  args: string;
  /** NAME=value, one per line. */
  env: string;
  mapBy: '' | 'slot' | 'node' | 'core';
  bindTo: '' | 'none' | 'core' | 'socket';
  timeoutSeconds: string;
  reportBindings: boolean;
  /** Sent to rank 0's standard input when `useStdin` is on. */
  stdin: string;
  useStdin: boolean;
}

export const EMPTY_RUN_FORM: RunFormValues = {
  ranks: '',
  ranksPerNode: '',
  oversubscribe: false,
  args: '',
  env: '',
  mapBy: '',
  bindTo: '',
  timeoutSeconds: '',
  reportBindings: false,
  stdin: '',
  useStdin: false,
};

/** The fields a job ran with, to run it again with them (or edit them first). */
export function formFromRun(run: RunSpec): RunFormValues {
  return {
    ranks: run.ranks === undefined ? '' : String(run.ranks),
    ranksPerNode: run.ranksPerNode === undefined ? '' : String(run.ranksPerNode),
    oversubscribe: run.oversubscribe,
    args: run.args.join('\n'),
    env: run.env.map((e) => `${e.name}=${e.value}`).join('\n'),
    mapBy: run.options.mapBy ?? '',
    bindTo: run.options.bindTo ?? '',
    timeoutSeconds:
      run.options.timeoutSeconds === undefined ? '' : String(run.options.timeoutSeconds),
    reportBindings: run.options.reportBindings ?? false,
    stdin: run.stdin ?? '',
    useStdin: run.stdin !== undefined,
  };
}

export type RunFormField = keyof RunFormValues;

/** The spec to send, or what to fix, field by field (in words the user reads). */
export type RunFormResult =
  { ok: true; run: RunSpec } | { ok: false; errors: Partial<Record<RunFormField, string>> };

const lines = (text: string) => text.split('\n').map((l) => l.replace(/\r$/, ''));

function wholeNumber(text: string): number | undefined | 'bad' {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : 'bad';
}

/** Checks the fields and builds the RunSpec (the contract's own schema has the last word). */
export function runFromForm(v: RunFormValues): RunFormResult {
  const errors: Partial<Record<RunFormField, string>> = {};
  const ranks = wholeNumber(v.ranks);
  if (ranks === 'bad' || ranks === 0) errors.ranks = 'A whole number of ranks, 1 or more.';
  const perNode = wholeNumber(v.ranksPerNode);
  if (perNode === 'bad' || perNode === 0)
    errors.ranksPerNode = 'A whole number of ranks per node, 1 or more.';
  const timeout = wholeNumber(v.timeoutSeconds);
  if (timeout === 'bad' || timeout === 0)
    errors.timeoutSeconds = 'A whole number of seconds, 1 or more.';

  // A trailing empty line is the editor's, not an empty argument.
  const argLines = lines(v.args);
  while (argLines.length > 0 && argLines[argLines.length - 1] === '') argLines.pop();

  const env: Array<{ name: string; value: string }> = [];
  for (const [i, line] of lines(v.env).entries()) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) {
      errors.env = `Line ${i + 1}: write NAME=value (letters, digits and underscore in the name).`;
      break;
    }
    env.push({ name, value: line.slice(eq + 1) });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const parsed = RunSpec.safeParse({
    ranks,
    ranksPerNode: perNode,
    oversubscribe: v.oversubscribe,
    args: argLines,
    env,
    options: {
      mapBy: v.mapBy || undefined,
      bindTo: v.bindTo || undefined,
      timeoutSeconds: timeout,
      reportBindings: v.reportBindings || undefined,
    },
    stdin: v.useStdin ? v.stdin : undefined,
  });
  if (parsed.success) return { ok: true, run: parsed.data };
  for (const issue of parsed.error.issues) {
    const top = String(issue.path[0] ?? 'args');
    const field: RunFormField =
      top === 'options' ? (String(issue.path[1]) as RunFormField) : (top as RunFormField);
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
