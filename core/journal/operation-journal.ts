import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import { parseRecord } from './journal-record';

/**
 * An append-only journal of multi-step operations (crash safety): one JSON line per
 * change, each a whole snapshot of the operation, fsynced before the step it announces runs.
 * After a crash the last complete line of each operation is its state. A line that cannot be read
 * (a torn write when the crash hit mid-line, a hand edit) is set aside with the original file
 * and reported; the journal keeps every line that could be read.
 */
export class OperationJournal<T extends { id: string }> {
  constructor(
    private readonly file: string,
    private readonly report: ReportDataProblem = logDataProblem,
  ) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }

  /** The latest record of every operation, oldest first. */
  load(): T[] {
    if (!existsSync(this.file)) return [];
    const latest = new Map<string, T>();
    const good: string[] = [];
    const bad: number[] = [];
    for (const [i, line] of readFileSync(this.file, 'utf8').split('\n').entries()) {
      if (!line.trim()) continue;
      const record = parseRecord<T>(line);
      if (!record) {
        bad.push(i + 1);
        continue;
      }
      good.push(line);
      latest.delete(record.id);
      latest.set(record.id, record);
    }
    if (bad.length > 0) {
      const lines = `line${bad.length > 1 ? 's' : ''} ${listOf(bad)}`;
      setAside(
        this.file,
        `${lines} could not be read and ${bad.length > 1 ? 'were' : 'was'} left out`,
        this.report,
      );
      this.rewrite(good.map((l) => `${l}\n`).join(''));
    }
    return [...latest.values()];
  }

  /** Appends `record` and waits for it to reach the disk. */
  write(record: T): void {
    const fd = openSync(this.file, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Rewrites the journal with only `records` (atomically: temp file, fsync, rename). */
  compact(records: readonly T[]): void {
    this.rewrite(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  private rewrite(text: string): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
