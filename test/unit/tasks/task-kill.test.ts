import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { Task } from '../../../api/tasks-api';
import type { DataProblem } from '../../../core/persistence/data-problems';
import { TaskEngine } from '../../../core/tasks/task-engine';
import { TaskJournal } from '../../../core/tasks/task-journal';
import type { TaskRecord } from '../../../core/tasks/task-record';

const ROOT = resolve(import.meta.dirname, '../../..');
const CHILD = 'test/unit/tasks/support/task-engine-child.ts';
const STEPS = 120;
const ROUNDS = 6;

/** A small seeded generator (mulberry32): the same kill points on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs the child on `file` and SIGKILLs it once it has reported `killAfter` checkpoints; returns
 * the highest checkpoint it reported per task (everything it printed, read to the end).
 */
async function runAndKill(file: string, killAfter: number): Promise<Map<string, number>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, file, String(256 * 1024), String(STEPS)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  const reported = new Map<string, number>();
  let count = 0;
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.once('exit', (_, s) => done(s)),
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const [, id, n] = /^ckpt (\S+) (\d+)$/.exec(line) ?? [];
    if (!id) continue;
    reported.set(id, Math.max(reported.get(id) ?? 0, Number(n)));
    if (++count === killAfter) child.kill('SIGKILL');
  }
  const signal = await exited;
  // It must have died by the kill, not by an error of its own.
  expect(signal, errors).toBe('SIGKILL');
  return reported;
}

describe('task journal: kill -9 at random points', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-task-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every checkpoint a runner was told is on disk, whole records only, running tasks interrupted', async () => {
    const file = join(dir, 'tasks.jsonl');
    const random = seeded(11);
    const everReported = new Map<string, number>();
    const roundsOf = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const reported = await runAndKill(file, 1 + Math.floor(random() * 300));
      for (const [id, n] of reported) {
        everReported.set(id, Math.max(everReported.get(id) ?? 0, n));
        roundsOf.set(id, (roundsOf.get(id) ?? 0) + 1);
      }

      // The journal as a fresh start reads it: only whole records; a line cut by the kill is
      // the only thing it may leave out.
      const problems: DataProblem[] = [];
      const records = new TaskJournal<TaskRecord>(file, { report: (p) => problems.push(p) }).load();
      for (const p of problems)
        expect(p.message).toMatch(/^tasks\.jsonl: the last line was cut short/);
      for (const record of records) {
        Task.omit({ actions: true }).parse(record);
        expect(record.log.length).toBeLessThanOrEqual(200);
      }
      const byId = new Map(records.map((r) => [r.id, r]));
      for (const [id, n] of everReported) {
        expect((byId.get(id)?.state as { n: number } | undefined)?.n ?? 0).toBeGreaterThanOrEqual(
          n,
        );
      }

      // What a restart makes of it: every task that had not finished is interrupted.
      const engine = new TaskEngine({ file });
      for (const task of engine.list()) {
        const n = (byId.get(task.id)!.state as { n: number }).n;
        // Its last checkpoint on disk but killed before it could say it ended: interrupted.
        expect(task.status).toMatch(n === STEPS ? /^(succeeded|interrupted)$/ : /^interrupted$/);
      }
      await engine.close();
    }
    // Interrupted tasks were resumed by the next round and carried on from their checkpoints.
    expect([...roundsOf.values()].some((n) => n > 1)).toBe(true);
  }, 180_000);
});
