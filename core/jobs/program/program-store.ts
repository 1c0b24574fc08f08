import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Program } from '../../../api/jobs-api';
import { logDataProblem, type ReportDataProblem, setAside } from '../../persistence/data-problems';
import type { StagedProgram } from './program-pipeline';

const Record = Program.extend({
  cluster: z.string(),
  ownerId: z.string(),
  stagedAt: z.string(),
  /** Set when a job first builds it; a used program is kept for its job's re-runs. */
  usedAt: z.string().optional(),
});
type Record = z.infer<typeof Record>;

/** A program's id names its folder: nothing else may (no separators, nothing hidden). */
export const PROGRAM_ID = /^[a-f0-9-]{8,64}$/;

/**
 * Staged programs on disk: `<root>/<programId>/program.json` beside the program's `files/`.
 * Read once at start so programs outlive a restart; written atomically.
 */
export class ProgramStore {
  private readonly records = new Map<string, Record>();

  constructor(
    readonly root: string,
    private readonly report: ReportDataProblem = logDataProblem,
  ) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    for (const id of readdirSync(root)) {
      if (!PROGRAM_ID.test(id)) continue;
      const file = join(root, id, 'program.json');
      if (!existsSync(file)) {
        // A staging cut short by a crash: nothing refers to it. One whose record was set aside
        // stays for a person to look at.
        if (readdirSync(join(root, id)).some((n) => n.startsWith('program.json.corrupt'))) continue;
        rmSync(join(root, id), { recursive: true, force: true });
        continue;
      }
      try {
        const parsed = Record.parse(JSON.parse(readFileSync(file, 'utf8')));
        if (parsed.programId === id) this.records.set(id, parsed);
      } catch (err) {
        // Its files stay; the job that used it can no longer re-run it.
        setAside(file, `the staged program ${id} could not be read (${String(err)})`, report, {
          move: true,
        });
      }
    }
  }

  dirOf(programId: string): string {
    if (!PROGRAM_ID.test(programId)) throw new Error(`bad program id ${programId}`);
    return join(this.root, programId);
  }

  get(programId: string): StagedProgram | undefined {
    const r = this.records.get(programId);
    if (!r) return undefined;
    const { stagedAt: _s, usedAt: _u, ...program } = r;
    return { ...program, dir: join(this.dirOf(programId), 'files') };
  }

  add(program: Omit<StagedProgram, 'dir'>, now = new Date()): void {
    this.save({ ...program, stagedAt: now.toISOString() });
  }

  /** A job builds it: kept from now on until removed with its job. */
  markUsed(programId: string, now = new Date()): void {
    const r = this.records.get(programId);
    if (r && !r.usedAt) this.save({ ...r, usedAt: now.toISOString() });
  }

  remove(programId: string): void {
    this.records.delete(programId);
    rmSync(this.dirOf(programId), { recursive: true, force: true });
  }

  /** Deletes programs no job used within `maxUnusedMs` of staging; returns their ids. */
  sweep(maxUnusedMs: number, now = new Date()): string[] {
    const gone: string[] = [];
    for (const r of [...this.records.values()]) {
      if (r.usedAt) continue;
      if (now.getTime() - Date.parse(r.stagedAt) < maxUnusedMs) continue;
      this.remove(r.programId);
      gone.push(r.programId);
    }
    return gone;
  }

  private save(record: Record): void {
    const file = join(this.dirOf(record.programId), 'program.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    this.records.set(record.programId, record);
  }
}
