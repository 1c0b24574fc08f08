import { describe, expect, it } from 'vitest';
import { RunSpec } from '../../../api/jobs-api';
import { EMPTY_RUN_FORM, formFromRun, runFromForm } from '../../../renderer/views/jobs/run-form';

describe('the run dialog form', () => {
  it('empty fields: every slot, no args, no env, default options', () => {
    const r = runFromForm(EMPTY_RUN_FORM);
    expect(r).toEqual({ ok: true, run: RunSpec.parse({}) });
    if (r.ok) expect(r.run.ranks).toBeUndefined();
  });

  it('keeps arguments exactly, one per line (spaces and quotes are not a shell)', () => {
    const r = runFromForm({ ...EMPTY_RUN_FORM, args: `a b\n"q"\n\n--x=1\n` });
    expect(r.ok && r.run.args).toEqual(['a b', '"q"', '', '--x=1']);
  });

  it('reads NAME=value lines, values with "=" kept whole', () => {
    const r = runFromForm({ ...EMPTY_RUN_FORM, env: 'A=1\n\nB_2=x=y\n' });
    expect(r.ok && r.run.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B_2', value: 'x=y' },
    ]);
  });

  it('names the field and the line that is wrong', () => {
    const r = runFromForm({
      ...EMPTY_RUN_FORM,
      ranks: '0',
      ranksPerNode: 'two',
      timeoutSeconds: '1.5',
      env: 'A=1\n2X=3',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.ranks).toMatch(/whole number/);
    expect(r.errors.ranksPerNode).toMatch(/whole number/);
    expect(r.errors.timeoutSeconds).toMatch(/whole number/);
    expect(r.errors.env).toMatch(/^Line 2:/);
  });

  it('passes the contract limits on to the field (too many ranks)', () => {
    const r = runFromForm({ ...EMPTY_RUN_FORM, ranks: '5000' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.ranks).toBeDefined();
  });

  it('gives stdin to rank 0 only when asked, even when empty', () => {
    expect(runFromForm({ ...EMPTY_RUN_FORM, stdin: 'x' }).ok && true).toBe(true);
    const off = runFromForm({ ...EMPTY_RUN_FORM, stdin: 'x' });
    expect(off.ok && off.run.stdin).toBeUndefined();
    const on = runFromForm({ ...EMPTY_RUN_FORM, useStdin: true, stdin: '' });
    expect(on.ok && on.run.stdin).toBe('');
  });

  it("round-trips a job's spec through the form (re-run with the same parameters)", () => {
    const run = RunSpec.parse({
      ranks: 4,
      ranksPerNode: 2,
      oversubscribe: true,
      args: ['-n', '10 20'],
      env: [{ name: 'OMP_NUM_THREADS', value: '1' }],
      options: { mapBy: 'node', bindTo: 'core', timeoutSeconds: 60, reportBindings: true },
      stdin: 'input\n',
    });
    expect(runFromForm(formFromRun(run))).toEqual({ ok: true, run });
  });
});
