import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { checkArchive, extractArchive } from '../../../core/jobs/program/program-archive';
import { listTar } from '../../../core/jobs/program/archive-tar';
import { listZip } from '../../../core/jobs/program/archive-zip';
import { tarGzOf, tarOf, zipOf } from './program-fixtures';

const LIMITS = { maxFiles: 100, maxBytes: 1024 * 1024 };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'corral-archive-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const refusal = (kind: 'tar.gz' | 'zip', bytes: Uint8Array) =>
  checkArchive(kind, bytes, LIMITS).then(
    () => 'accepted',
    (err: Error) => err.message,
  );

describe('tar.gz listing before extraction', () => {
  it('lists an archive made by GNU tar, with its "./" prefixes taken off', async () => {
    const src = tempDir();
    mkdirSync(join(src, 'proj'));
    writeFileSync(join(src, 'proj', 'Makefile'), 'all:\n\ttrue\n');
    writeFileSync(join(src, 'proj', 'main.c'), 'int main(void){return 0;}\n');
    const archive = join(tempDir(), 'p.tar.gz');
    execFileSync('tar', ['czf', archive, '-C', src, '.']);
    const files = await checkArchive('tar.gz', readFileSync(archive), LIMITS);
    expect(files.map((f) => f.path).sort()).toEqual(['proj/Makefile', 'proj/main.c']);
    const out = tempDir();
    await extractArchive(files, out);
    expect(readFileSync(join(out, 'proj', 'main.c'), 'utf8')).toContain('int main');
  });

  it('reads GNU long names and pax paths', () => {
    const long = `${'d'.repeat(120)}/main.c`;
    const entries = listTar(
      tarOf([
        { name: long, data: 'a', gnuLongName: true },
        { name: `pax/${'p'.repeat(110)}.c`, data: 'b', paxPath: true },
      ]),
    );
    expect(entries.map((e) => e.path)).toEqual([long, `pax/${'p'.repeat(110)}.c`]);
    expect(Buffer.from(entries[1]!.data()).toString()).toBe('b');
  });

  it('refuses absolute paths, "..", and control characters before writing anything', async () => {
    expect(await refusal('tar.gz', tarGzOf([{ name: '/etc/passwd', data: 'x' }]))).toMatch(
      /"\/etc\/passwd" is an absolute path/,
    );
    expect(await refusal('tar.gz', tarGzOf([{ name: 'a/../../evil', data: 'x' }]))).toMatch(
      /leaves its folder/,
    );
    expect(await refusal('tar.gz', tarGzOf([{ name: 'bad\x1bname.c', data: 'x' }]))).toMatch(
      /"bad\\x1bname.c" has control characters/,
    );
    // A hostile name hidden in a pax record is checked the same.
    expect(
      await refusal('tar.gz', tarGzOf([{ name: '../x.c', data: 'x', paxPath: true }])),
    ).toMatch(/leaves its folder/);
  });

  it('refuses device files, fifos and links that leave the root', async () => {
    expect(await refusal('tar.gz', tarGzOf([{ name: 'dev', type: '3' }]))).toMatch(
      /"dev" is a device file/,
    );
    expect(await refusal('tar.gz', tarGzOf([{ name: 'pipe', type: '6' }]))).toMatch(/is a fifo/);
    expect(
      await refusal('tar.gz', tarGzOf([{ name: 'l', type: '2', link: '/etc/shadow' }])),
    ).toMatch(/"l" is a link leaving the archive's folder/);
    expect(
      await refusal('tar.gz', tarGzOf([{ name: 'sub/l', type: '2', link: '../../x' }])),
    ).toMatch(/leaving the archive's folder/);
    expect(await refusal('tar.gz', tarGzOf([{ name: 'h', type: '1', link: '../x' }]))).toMatch(
      /leaving/,
    );
    expect(await refusal('tar.gz', tarGzOf([{ name: 'l', type: '2', link: 'missing.c' }]))).toMatch(
      /not a file of the archive/,
    );
  });

  it('turns links inside the archive into copies of the file they name', async () => {
    const files = await checkArchive(
      'tar.gz',
      tarGzOf([
        { name: 'src/real.c', data: 'int x;', mode: 0o755 },
        { name: 'src/alias.c', type: '2', link: 'real.c' },
        { name: 'hard.c', type: '1', link: 'src/real.c' },
      ]),
      LIMITS,
    );
    const out = tempDir();
    await extractArchive(files, out);
    expect(readFileSync(join(out, 'src', 'alias.c'), 'utf8')).toBe('int x;');
    expect(readFileSync(join(out, 'hard.c'), 'utf8')).toBe('int x;');
    expect(statSync(join(out, 'src', 'alias.c')).isSymbolicLink()).toBe(false);
    expect(statSync(join(out, 'src', 'real.c')).mode & 0o777).toBe(0o700);
  });

  it('refuses too many files, too many bytes, duplicates, damage and what is not a tar', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `f${i}.c`, data: 'x' }));
    expect(await refusal('tar.gz', tarGzOf(many))).toMatch(/101 files; the limit is 100/);
    const big = new Uint8Array(LIMITS.maxBytes + 1);
    expect(await refusal('tar.gz', tarGzOf([{ name: 'big', data: big }]))).toMatch(
      /unpacks to more than 1 MiB/,
    );
    expect(
      await refusal(
        'tar.gz',
        tarGzOf([
          { name: 'a.c', data: '1' },
          { name: './a.c', data: '2' },
        ]),
      ),
    ).toMatch(/"a.c" twice/);
    const damaged = tarOf([{ name: 'a.c', data: 'x' }]);
    damaged[3] = 0x41;
    expect(await refusal('tar.gz', gzipSync(damaged))).toMatch(/bad checksum/);
    expect(await refusal('tar.gz', Buffer.from('plain text'))).toMatch(/not a gzip/);
    expect(await refusal('tar.gz', tarGzOf([{ name: 'only-a-dir', type: '5' }]))).toMatch(
      /holds no files/,
    );
  });

  it('never writes over a file already there', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'a.c'), 'mine');
    const files = await checkArchive('tar.gz', tarGzOf([{ name: 'a.c', data: 'theirs' }]), LIMITS);
    await expect(extractArchive(files, out)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(join(out, 'a.c'), 'utf8')).toBe('mine');
  });
});

describe('zip listing from the central directory', () => {
  it('lists and extracts an archive made by Info-ZIP', async () => {
    const src = tempDir();
    mkdirSync(join(src, 'p'));
    writeFileSync(join(src, 'p', 'main.f90'), 'program p\nend program p\n');
    writeFileSync(join(src, 'p', 'Makefile'), 'all:\n\ttrue\n');
    const archive = join(tempDir(), 'p.zip');
    execFileSync('zip', ['-qr', archive, 'p'], { cwd: src });
    const files = await checkArchive('zip', readFileSync(archive), LIMITS);
    const out = tempDir();
    await extractArchive(files, out);
    expect(readdirSync(join(out, 'p')).sort()).toEqual(['Makefile', 'main.f90']);
    expect(readFileSync(join(out, 'p', 'main.f90'), 'utf8')).toContain('program p');
  });

  it('reads stored and deflated entries and Unix modes', () => {
    const entries = listZip(
      zipOf([
        { name: 'a.c', data: 'stored', stored: true },
        { name: 'b.c', data: 'deflated'.repeat(100), unixMode: 0o100755 },
        { name: 'dir/', unixMode: 0o040755 },
      ]),
    );
    expect(entries.map((e) => [e.path, e.type])).toEqual([
      ['a.c', 'file'],
      ['b.c', 'file'],
      ['dir', 'dir'],
    ]);
    expect(Buffer.from(entries[1]!.data()).toString()).toBe('deflated'.repeat(100));
    expect(entries[1]!.mode).toBe(0o755);
  });

  it('refuses hostile entries: absolute, "..", control characters, links out, devices', async () => {
    expect(await refusal('zip', zipOf([{ name: '/abs.c', data: 'x' }]))).toMatch(/absolute/);
    expect(await refusal('zip', zipOf([{ name: '../up.c', data: 'x' }]))).toMatch(
      /leaves its folder/,
    );
    expect(await refusal('zip', zipOf([{ name: 'a\nb.c', data: 'x' }]))).toMatch(
      /control characters/,
    );
    expect(
      await refusal('zip', zipOf([{ name: 'l', data: '/etc/passwd', unixMode: 0o120777 }])),
    ).toMatch(/link leaving the archive's folder/);
    expect(await refusal('zip', zipOf([{ name: 'd', unixMode: 0o020644 }]))).toMatch(/device file/);
  });

  it('refuses a damaged archive and one whose entry does not unpack to its listed size', async () => {
    expect(await refusal('zip', Buffer.from('not a zip at all, just text'))).toMatch(
      /no central directory/,
    );
    const zip = Buffer.from(zipOf([{ name: 'a.c', data: 'hello world', stored: true }]));
    zip[30 + 3] = 0x58; // a byte of the stored data: the checksum no longer matches
    expect(await refusal('zip', zip)).toMatch(/damaged \(size or checksum\)/);
  });
});
