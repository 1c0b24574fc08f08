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

/**
 * An append-only journal of multi-step operations (issue 6: crash safety): one JSON line per
 * change, each a whole snapshot of the operation, fsynced before the step it announces runs.
 * After a crash the last complete line of each operation is its state; a torn last line (the
 * crash hit mid-write) is ignored.
 */
export class OperationJournal<T extends { id: string }> {
  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }

  /** The latest record of every operation, oldest first. */
  load(): T[] {
    if (!existsSync(this.file)) return [];
    const latest = new Map<string, T>();
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let record: T;
      try {
        record = JSON.parse(line) as T;
      } catch {
        continue; // a torn write
      }
      if (record && typeof record.id === 'string') {
        latest.delete(record.id);
        latest.set(record.id, record);
      }
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
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
