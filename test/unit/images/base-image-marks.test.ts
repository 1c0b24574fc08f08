import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BaseImageMarks, markKey } from '../../../core/images/base-image-marks';

const ref = (hostId: string, pool: string, name: string) => ({ hostId, pool, name });

describe('base image marks', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'corral-marks-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keys cannot collide by moving a separator between host, pool and volume', () => {
    const keys = [
      ref('a/b', 'c', 'd'),
      ref('a', 'b/c', 'd'),
      ref('a', 'b', 'c/d'),
      ref('a', 'b', 'c'),
      ref('a"', 'b', 'c'),
      ref('a', '"b', 'c'),
      ref('a\u0000b', 'c', 'd'),
    ].map(markKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(markKey(ref('h', 'p', 'v'))).toBe(markKey({ hostId: 'h', pool: 'p', name: 'v' }));
  });

  it('a mark is for one host, one pool and one volume only', () => {
    const marks = new BaseImageMarks();
    marks.set(ref('h1', 'default', 'base.qcow2'), true);
    expect(marks.has(ref('h1', 'default', 'base.qcow2'))).toBe(true);
    expect(marks.has(ref('h2', 'default', 'base.qcow2'))).toBe(false);
    expect(marks.has(ref('h1', 'other', 'base.qcow2'))).toBe(false);
    expect(marks.has(ref('h1', 'default', 'base.qcow2x'))).toBe(false);
    expect(marks.anyNamed('base.qcow2')).toBe(true);
    expect(marks.anyNamed('other-vm.qcow2')).toBe(false);
    marks.set(ref('h1', 'default', 'base.qcow2'), false);
    expect(marks.has(ref('h1', 'default', 'base.qcow2'))).toBe(false);
    expect(marks.anyNamed('base.qcow2')).toBe(false);
  });

  it('nothing is marked by default; marks persist in the data folder and survive a restart', () => {
    const dir = dataDir();
    expect(new BaseImageMarks(dir).anyNamed('base.qcow2')).toBe(false);
    const first = new BaseImageMarks(dir);
    first.set(ref('h1', 'default', 'base.qcow2'), true);
    first.set(ref('h2', 'default', 'base.qcow2'), true);
    const again = new BaseImageMarks(dir);
    expect(again.has(ref('h1', 'default', 'base.qcow2'))).toBe(true);
    expect([...again.hosts()].sort()).toEqual(['h1', 'h2']);
    again.forgetHost('h1');
    expect(new BaseImageMarks(dir).has(ref('h1', 'default', 'base.qcow2'))).toBe(false);
    expect(new BaseImageMarks(dir).has(ref('h2', 'default', 'base.qcow2'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'base-images.json'), 'utf8'))).toEqual({
      marks: [{ hostId: 'h2', pool: 'default', name: 'base.qcow2' }],
    });
  });

  it('a tampered record is not trusted, and the original file is set aside', () => {
    const dir = dataDir();
    new BaseImageMarks(dir).set(ref('h1', 'default', 'ok.qcow2'), true);
    const file = join(dir, 'base-images.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { marks: unknown[] };
    raw.marks.push({ hostId: 'h1', pool: 7 }, 'junk');
    writeFileSync(file, JSON.stringify(raw));
    const problems: string[] = [];
    const marks = new BaseImageMarks(dir, (p) => problems.push(p.message));
    expect(marks.has(ref('h1', 'default', 'ok.qcow2'))).toBe(true);
    expect([...marks.hosts()]).toEqual(['h1']);
    expect(problems).toHaveLength(1);
    const copies = readdirSync(dir).filter((f) => f.startsWith('base-images.json.corrupt-'));
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(dir, copies[0]!), 'utf8')).toBe(JSON.stringify(raw));
  });
});
