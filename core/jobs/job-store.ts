import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { Job } from '../../api/jobs-api';
import type { ReportDataProblem } from '../persistence/data-problems';
import { setAside } from '../persistence/data-problems';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../security/private-files';

/** A stream of a job kept on disk: the build's output, a rank's stdout or stderr, mpirun's own. */
export type OutputKey = 'build' | 'mpirun' | `r${number}.stdout` | `r${number}.stderr`;

export function rankKey(rank: number, fd: 'stdout' | 'stderr'): OutputKey {
  return `r${rank}.${fd}`;
}

/** Bytes kept per stream: what landed on disk; the rest was counted and dropped. */
export interface AppendResult {
  kept: number;
  dropped: number;
}

const JOB_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Job history in the data folder: one folder per job under `jobs/`, holding `job.json` (the
 * job as the contract shows it, written atomically) and one file per output stream, each kept
 * up to the job's `outputLimitBytes` (later bytes are counted, not kept). Outlives the task
 * journal, which forgets old tasks: a job stays until its owner removes it.
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  /** Bytes on disk per job and stream (known once a stream was touched). */
  private readonly sizes = new Map<string, Map<OutputKey, number>>();

  constructor(
    private readonly dir: string,
    private readonly report?: ReportDataProblem,
  ) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    for (const id of readdirSync(dir)) {
      if (!JOB_ID.test(id)) continue;
      const file = join(dir, id, 'job.json');
      if (!existsSync(file)) continue;
      try {
        this.jobs.set(id, Job.parse(JSON.parse(readFileSync(file, 'utf8'))));
      } catch (err) {
        if (this.report) {
          setAside(file, `the job record could not be read (${String(err)})`, this.report, {
            move: true,
          });
        }
      }
    }
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Every job kept, newest first. */
  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Records a job's new state (temp file, fsync, rename: a reader never sees half a record). */
  put(job: Job): void {
    const folder = this.folder(job.id);
    mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
    const file = join(folder, 'job.json');
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      writeSync(fd, `${JSON.stringify(job)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    this.jobs.set(job.id, job);
  }

  /** Appends a stream's bytes, keeping at most `limit` bytes of it on disk. */
  append(id: string, key: OutputKey, bytes: Uint8Array, limit: number): AppendResult {
    const have = this.size(id, key);
    const room = Math.max(0, limit - have);
    const kept = Math.min(room, bytes.byteLength);
    if (kept > 0) {
      mkdirSync(this.folder(id), { recursive: true, mode: PRIVATE_DIR_MODE });
      appendFileSync(this.file(id, key), bytes.subarray(0, kept), { mode: PRIVATE_FILE_MODE });
      this.sizesOf(id).set(key, have + kept);
    }
    return { kept, dropped: bytes.byteLength - kept };
  }

  /** Bytes of a stream on disk. */
  size(id: string, key: OutputKey): number {
    const known = this.sizesOf(id).get(key);
    if (known !== undefined) return known;
    const file = this.file(id, key);
    const size = existsSync(file) ? statSync(file).size : 0;
    this.sizesOf(id).set(key, size);
    return size;
  }

  /** Every stream of a job on disk with its size. */
  streams(id: string): Map<OutputKey, number> {
    const folder = this.folder(id);
    const out = new Map<OutputKey, number>();
    if (!existsSync(folder)) return out;
    for (const name of readdirSync(folder)) {
      const key = /^(.*)\.out$/.exec(name)?.[1];
      if (key && isOutputKey(key)) out.set(key, this.size(id, key));
    }
    return out;
  }

  /**
   * Cuts streams back to the sizes saved with a reader's position, so re-reading from that
   * position repeats nothing; streams not named are emptied, except the build's output (written
   * before any reading began).
   */
  truncateTo(id: string, sizes: Readonly<Record<string, number>>): void {
    for (const [key, size] of this.streams(id)) {
      if (key === 'build' && sizes.build === undefined) continue;
      const want = sizes[key] ?? 0;
      if (size > want) {
        truncateSync(this.file(id, key), want);
        this.sizesOf(id).set(key, want);
      }
    }
  }

  /** Bytes `start`..`end` of a stream (fewer when the file is shorter). */
  readRange(id: string, key: OutputKey, start: number, end: number): Buffer {
    const file = this.file(id, key);
    if (!existsSync(file) || end <= start) return Buffer.alloc(0);
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(end - start);
      const n = readSync(fd, buf, 0, buf.length, start);
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }

  read(id: string, key: OutputKey): Buffer {
    const file = this.file(id, key);
    return existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
  }

  /** Forgets a job: its record and its output. */
  remove(id: string): void {
    rmSync(this.folder(id), { recursive: true, force: true });
    this.jobs.delete(id);
    this.sizes.delete(id);
  }

  private sizesOf(id: string): Map<OutputKey, number> {
    let m = this.sizes.get(id);
    if (!m) this.sizes.set(id, (m = new Map()));
    return m;
  }

  private folder(id: string): string {
    if (!JOB_ID.test(id)) throw new Error(`not a job id: ${id}`);
    return join(this.dir, id);
  }

  private file(id: string, key: OutputKey): string {
    return join(this.folder(id), `${key}.out`);
  }
}

export function isOutputKey(key: string): key is OutputKey {
  return key === 'build' || key === 'mpirun' || /^r\d+\.(stdout|stderr)$/.test(key);
}
