import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseRecord } from '../journal/journal-record';
import {
  listOf,
  logDataProblem,
  type ReportDataProblem,
  setAside,
} from '../persistence/data-problems';
import { PRIVATE_FILE_MODE } from '../security/private-files';

/** Opens a file as fs/promises does (tests wrap it to count writes and fsyncs). */
export type OpenFile = (path: string, flags: string, mode: number) => Promise<FileHandle>;

export interface TaskJournalOptions<T> {
  report?: ReportDataProblem;
  /**
   * Rewrite the file with only the latest record of each task once it grows past this (or past
   * twice what the last rewrite kept, when the kept history alone is bigger).
   */
  compactBytes?: number;
  /** Whether a record is finished history (kept, but bounded at compaction). */
  isFinal?: (record: T) => boolean;
  /** How many finished records compaction keeps (the newest). */
  keepFinal?: number;
  open?: OpenFile;
}

interface Pending {
  record: unknown;
  waiters: Array<{ done: () => void; fail: (e: unknown) => void }>;
}

/** What compaction keeps of a written record: its line, and whether it is finished history. */
interface Written {
  line: string;
  final: boolean;
}

const DEFAULT_COMPACT_BYTES = 4 * 1024 * 1024;
const DEFAULT_KEEP_FINAL = 2000;

/**
 * The task journal: one JSON line per change, each a whole record of the task. Writes never
 * block the event loop: `put` queues the record in memory and a single writer flushes the queue
 * in batches, one write and one fsync per batch (group commit), so a burst of changes from many
 * tasks costs one disk round trip. A task changed twice before its batch is written is written
 * once, as it is then. Each `put` resolves when its record (or a newer one of the same task) is
 * on disk. The file is rewritten with only the latest record of each task when it grows too
 * big, dropping the oldest finished ones beyond the history bound.
 */
export class TaskJournal<T extends { id: string }> {
  private readonly report: ReportDataProblem;
  private readonly compactBytes: number;
  private readonly isFinal: (record: T) => boolean;
  private readonly keepFinal: number;
  private readonly openFile: OpenFile;
  /** Latest written line per task, in order of last change (compaction's source). */
  private readonly written = new Map<string, Written>();
  /** Records waiting for the next batch, by task. */
  private pending = new Map<string, Pending>();
  private handle: FileHandle | undefined;
  private size = 0;
  /** What the last rewrite kept: growth is measured from there. */
  private keptSize = 0;
  private writing: Promise<void> | undefined;
  private closed = false;
  private loaded = false;
  /** A failed write may have left part of a line: the next batch rewrites the file first. */
  private damaged = false;

  constructor(
    private readonly file: string,
    options: TaskJournalOptions<T> = {},
  ) {
    this.report = options.report ?? logDataProblem;
    this.compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
    this.isFinal = options.isFinal ?? (() => false);
    this.keepFinal = options.keepFinal ?? DEFAULT_KEEP_FINAL;
    this.openFile = options.open ?? ((path, flags, mode) => open(path, flags, mode));
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }

  /**
   * The latest record of every task, oldest change first. Read once at start-up, before any
   * `put`. A line that cannot be read (cut short by a crash mid-write, or edited by hand) is
   * left out: the original file is set aside and reported, and the file rewritten without it,
   * so the next append does not land on a broken line.
   */
  load(): T[] {
    if (this.loaded) throw new Error('the task journal is loaded once');
    this.loaded = true;
    if (!existsSync(this.file)) return [];
    const text = readFileSync(this.file, 'utf8');
    const latest = new Map<string, T>();
    const bad: number[] = [];
    let torn = false;
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (!line.trim()) continue;
      const record = parseRecord<T>(line);
      if (!record) {
        // The last piece has no newline after it: a write the crash cut short.
        if (i === lines.length - 1) torn = true;
        else bad.push(i + 1);
        continue;
      }
      latest.delete(record.id);
      latest.set(record.id, record);
      this.remember(record.id, line, this.isFinal(record));
    }
    if (bad.length > 0 || torn) {
      const what = [
        bad.length > 0
          ? `line${bad.length > 1 ? 's' : ''} ${listOf(bad)} could not be read`
          : undefined,
        torn ? `the last line was cut short (Corral stopped while writing it)` : undefined,
      ]
        .filter(Boolean)
        .join(' and ');
      setAside(this.file, `${what}, and left out`, this.report);
      this.rewriteNow();
    } else if (!text.endsWith('\n')) {
      // A whole record whose newline did not make it: nothing lost, but the next line must
      // not be glued to it.
      this.rewriteNow();
    } else {
      this.size = Buffer.byteLength(text);
    }
    return [...latest.values()];
  }

  /** Queues `record` for the next batch; resolves once it is on disk. */
  put(record: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the task journal is closed'));
    const entry = this.pending.get(record.id) ?? { record, waiters: [] };
    entry.record = record;
    // Re-inserted: a batch writes tasks in the order they last changed.
    this.pending.delete(record.id);
    this.pending.set(record.id, entry);
    const done = new Promise<void>((d, f) => entry.waiters.push({ done: d, fail: f }));
    this.kick();
    return done;
  }

  /** Resolves when everything put so far is on disk. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes what is queued, then closes the file; later puts are refused. */
  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      // Put by a continuation of the last batch's waiters, after the writer's last look.
      if (this.pending.size > 0) this.kick();
    });
  }

  /** The single writer: batch after batch until the queue is empty. */
  private async drain(): Promise<void> {
    // Let the rest of this turn of the event loop add to the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.size > 0) {
      const batch = this.pending;
      this.pending = new Map();
      // Serialized now: a record changed after this point goes to the next batch.
      const records = [...batch.values()].map((p) => p.record as T);
      const lines = records.map((r) => JSON.stringify(r));
      const finals = records.map((r) => this.isFinal(r));
      try {
        const text = lines.map((l) => `${l}\n`).join('');
        if (this.damaged) await this.compact();
        this.damaged = false;
        const handle = await this.open();
        await handle.write(text);
        await handle.sync();
        this.size += Buffer.byteLength(text);
        for (const [i, r] of records.entries()) this.remember(r.id, lines[i]!, finals[i]!);
        if (this.size > this.compactAt()) await this.compact();
      } catch (e) {
        this.damaged = true;
        await this.handle?.close().catch(() => undefined);
        this.handle = undefined;
        for (const p of batch.values()) for (const w of p.waiters) w.fail(e);
        continue;
      }
      for (const p of batch.values()) for (const w of p.waiters) w.done();
    }
  }

  /** Never rewriting at every batch when the history alone is over the limit. */
  private compactAt(): number {
    return Math.max(this.compactBytes, 2 * this.keptSize);
  }

  private async open(): Promise<FileHandle> {
    this.handle ??= await this.openFile(this.file, 'a', PRIVATE_FILE_MODE);
    return this.handle;
  }

  private remember(id: string, line: string, final: boolean): void {
    this.written.delete(id);
    this.written.set(id, { line, final });
  }

  /** Drops the oldest finished records beyond the bound; what stays, in order of last change. */
  private retained(): string[] {
    let finals = 0;
    for (const w of this.written.values()) if (w.final) finals++;
    let drop = Math.max(0, finals - this.keepFinal);
    for (const [id, w] of this.written) {
      if (drop === 0) break;
      if (!w.final) continue;
      this.written.delete(id);
      drop--;
    }
    return [...this.written.values()].map((w) => w.line);
  }

  /**
   * Rewrites the file with only the latest records: a temp file, fsynced, renamed over the
   * journal, then the folder fsynced so the rename itself survives a crash.
   */
  private async compact(): Promise<void> {
    const text = this.retained()
      .map((l) => `${l}\n`)
      .join('');
    const tmp = `${this.file}.tmp`;
    const out = await this.openFile(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      await out.write(text);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, this.file);
    const dir = await open(dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    await this.handle?.close();
    this.handle = undefined;
    this.size = this.keptSize = Buffer.byteLength(text);
  }

  /** At load only (before anything is served): the same rewrite, synchronously. */
  private rewriteNow(): void {
    const text = this.retained()
      .map((l) => `${l}\n`)
      .join('');
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, text, { mode: PRIVATE_FILE_MODE, flush: true });
    renameSync(tmp, this.file);
    this.size = this.keptSize = Buffer.byteLength(text);
  }
}
