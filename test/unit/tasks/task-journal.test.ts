import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataProblem } from '../../../core/persistence/data-problems';
import { TaskJournal, type OpenFile } from '../../../core/tasks/task-journal';

interface Rec {
  id: string;
  n: number;
  done?: boolean;
}

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'corral-task-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The real fs/promises open, with every write and fsync of the journal file counted. */
function counting(): { open: OpenFile; writes: number; syncs: number } {
  const counts = { writes: 0, syncs: 0 };
  const openFile: OpenFile = async (path, flags, mode) => {
    const handle = await open(path, flags, mode);
    if (flags !== 'a') return handle;
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'write') counts.writes++;
        if (key === 'sync') counts.syncs++;
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    }) as FileHandle;
  };
  return {
    open: openFile,
    get writes() {
      return counts.writes;
    },
    get syncs() {
      return counts.syncs;
    },
  };
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Rec);

describe('task journal: group commit', () => {
  it('a burst of appends from many tasks costs one write and one fsync', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const fs = counting();
    const journal = new TaskJournal<Rec>(file, { open: fs.open });
    journal.load();
    await Promise.all(Array.from({ length: 500 }, (_, i) => journal.put({ id: `t${i}`, n: i })));
    expect(fs.writes).toBe(1);
    expect(fs.syncs).toBe(1);
    await journal.close();
    expect(new TaskJournal<Rec>(file).load()).toHaveLength(500);
  });

  it('appends made while a batch is on its way to disk go together in the next one', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const fs = counting();
    const journal = new TaskJournal<Rec>(file, { open: fs.open });
    journal.load();
    const all: Promise<void>[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 50; i++) all.push(journal.put({ id: `t${round}-${i}`, n: i }));
      await all.at(-1);
    }
    await Promise.all(all);
    expect(fs.syncs).toBe(10);
    await journal.close();
    expect(new TaskJournal<Rec>(file).load()).toHaveLength(500);
  });

  it('a task changed many times before its batch is written is written once, as it ended', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const journal = new TaskJournal<Rec>(file);
    journal.load();
    const rec = { id: 'a', n: 0 };
    const puts: Promise<void>[] = [];
    for (let n = 1; n <= 100; n++) puts.push(journal.put({ ...rec, n }));
    await Promise.all(puts);
    await journal.close();
    expect(lines(file)).toEqual([{ id: 'a', n: 100 }]);
  });

  it('the file is private to the user (0600)', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const journal = new TaskJournal<Rec>(file);
    journal.load();
    await journal.put({ id: 'a', n: 1 });
    await journal.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses appends after close, and close writes what was queued', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const journal = new TaskJournal<Rec>(file);
    journal.load();
    void journal.put({ id: 'a', n: 1 });
    await journal.close();
    await expect(journal.put({ id: 'b', n: 1 })).rejects.toThrow(/closed/);
    expect(lines(file)).toEqual([{ id: 'a', n: 1 }]);
  });
});

/** The real open, whose first append writes half its text and then fails (a full disk). */
function failingOnce(): OpenFile {
  let failed = false;
  return async (path, flags, mode) => {
    const handle = await open(path, flags, mode);
    if (flags !== 'a') return handle;
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'write' && !failed) {
          failed = true;
          return async (text: string) => {
            await target.write(text.slice(0, text.length / 2));
            throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    }) as FileHandle;
  };
}

describe('task journal: a failed write', () => {
  it('fails the puts of its batch, and the next batch first rewrites the file without the half line', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const journal = new TaskJournal<Rec>(file, { open: failingOnce() });
    journal.load();
    await expect(journal.put({ id: 'a', n: 1 })).rejects.toThrow(/no space/);
    await journal.put({ id: 'b', n: 1 });
    await journal.put({ id: 'a', n: 2 });
    await journal.close();
    const problems: DataProblem[] = [];
    expect(new TaskJournal<Rec>(file, { report: (p) => problems.push(p) }).load()).toEqual([
      { id: 'b', n: 1 },
      { id: 'a', n: 2 },
    ]);
    expect(problems).toEqual([]);
  });
});

describe('task journal: compaction', () => {
  it('rewrites the file with the latest record of each task and the newest finished ones', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    const options = { compactBytes: 2000, isFinal: (r: Rec) => r.done === true, keepFinal: 3 };
    const journal = new TaskJournal<Rec>(file, options);
    journal.load();
    // Two tasks that stay unfinished throughout, ten that finish one after the other.
    for (let i = 0; i < 10; i++) {
      for (let n = 0; n < 5; n++) {
        await journal.put({ id: 'run-a', n: i * 5 + n });
        await journal.put({ id: `done-${i}`, n });
      }
      await journal.put({ id: `done-${i}`, n: 99, done: true });
      await journal.put({ id: 'run-b', n: i });
    }
    await journal.close();
    const after = lines(file);
    // Compacted: fewer lines than changes; never more than one line per task since the last rewrite.
    expect(after.length).toBeLessThan(40);
    const loaded = new TaskJournal<Rec>(file, options).load();
    const byId = new Map(loaded.map((r) => [r.id, r]));
    expect(byId.get('run-a')).toEqual({ id: 'run-a', n: 49 });
    expect(byId.get('run-b')).toEqual({ id: 'run-b', n: 9 });
    // The three newest finished tasks survive every compaction; the oldest were dropped.
    for (const i of [7, 8, 9])
      expect(byId.get(`done-${i}`)).toEqual({ id: `done-${i}`, n: 99, done: true });
    expect(byId.has('done-0')).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('history bigger than the limit is not rewritten at every batch', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    let rewrites = 0;
    const counted: OpenFile = (path, flags, mode) => {
      if (flags === 'w') rewrites++;
      return open(path, flags, mode);
    };
    const journal = new TaskJournal<Rec>(file, {
      compactBytes: 1000,
      isFinal: (r) => r.done === true,
      keepFinal: 100,
      open: counted,
    });
    journal.load();
    // About 3 KB of finished history, all of which is kept.
    await Promise.all(
      Array.from({ length: 100 }, (_, n) => journal.put({ id: `done-${n}`, n, done: true })),
    );
    for (let n = 0; n < 100; n++) await journal.put({ id: 'running', n });
    await journal.close();
    expect(rewrites).toBeGreaterThanOrEqual(1);
    expect(rewrites).toBeLessThanOrEqual(3);
    expect(new TaskJournal<Rec>(file).load()).toHaveLength(101);
  });

  it('a journal loaded over the size limit is compacted at its next write', async () => {
    const file = join(tmp(), 'tasks.jsonl');
    writeFileSync(
      file,
      Array.from({ length: 200 }, (_, n) => `${JSON.stringify({ id: 'a', n })}\n`).join(''),
    );
    const journal = new TaskJournal<Rec>(file, { compactBytes: 1000 });
    expect(journal.load()).toEqual([{ id: 'a', n: 199 }]);
    await journal.put({ id: 'b', n: 0 });
    await journal.close();
    expect(lines(file)).toEqual([
      { id: 'a', n: 199 },
      { id: 'b', n: 0 },
    ]);
  });
});

describe('task journal: loading after a crash', () => {
  it('a torn last line is left out, the original set aside and reported, and appends follow cleanly', async () => {
    const dir = tmp();
    const file = join(dir, 'tasks.jsonl');
    const original = `${JSON.stringify({ id: 'a', n: 1 })}\n${JSON.stringify({ id: 'b', n: 1 })}\n{"id":"a","n":`;
    writeFileSync(file, original);
    const problems: DataProblem[] = [];
    const journal = new TaskJournal<Rec>(file, { report: (p) => problems.push(p) });
    expect(journal.load()).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 1 },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/cut short/);
    expect(readFileSync(problems[0]!.setAsideAs, 'utf8')).toBe(original);
    await journal.put({ id: 'c', n: 1 });
    await journal.close();
    expect(new TaskJournal<Rec>(file).load()).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 1 },
      { id: 'c', n: 1 },
    ]);
  });

  it('an unreadable line in the middle is left out and reported; every other line loads', () => {
    const file = join(tmp(), 'tasks.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'a', n: 1 })}\nnot json\n${JSON.stringify({ id: 'a', n: 2 })}\n`,
    );
    const problems: DataProblem[] = [];
    const journal = new TaskJournal<Rec>(file, { report: (p) => problems.push(p) });
    expect(journal.load()).toEqual([{ id: 'a', n: 2 }]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/line 2 could not be read/),
    ]);
    expect(lines(file)).toEqual([{ id: 'a', n: 2 }]);
  });
});
