import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ByteStream, DEFAULT_WINDOW } from '../../../api/byte-stream';
import type { CorralError } from '../../../api/errors';
import type { Program, ProgramUpload } from '../../../api/jobs-api';
import { ProgramIntake, UNUSED_PROGRAM_MS } from '../../../core/jobs/program/program-intake';
import { elfHeader, tarGzOf, zipOf } from './program-fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function intake(limits?: ConstructorParameters<typeof ProgramIntake>[0]['limits']) {
  const dataDir = mkdtempSync(join(tmpdir(), 'corral-intake-'));
  const pipeline = new ProgramIntake({ dataDir, limits });
  cleanups.push(() => {
    pipeline.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { dataDir, pipeline };
}

/** Both ends of a stream, wired as a transport would (messages delivered asynchronously). */
function streamPair() {
  const ends: { client?: ByteStream; server?: ByteStream } = {};
  const server = new ByteStream(
    1,
    (m) => queueMicrotask(() => ends.client!.handle(m)),
    DEFAULT_WINDOW,
  );
  const client = new ByteStream(1, (m) => queueMicrotask(() => server.handle(m)), DEFAULT_WINDOW);
  ends.client = client;
  return { client, server };
}

interface Answer {
  lines: { received: number; program?: Program }[];
  error: CorralError | undefined;
}

/** Uploads the files as a client would: header, bytes in order, half-close; reads the answer. */
async function upload(
  pipeline: ProgramIntake,
  files: { path: string; bytes: Uint8Array }[],
  chunk = 7000,
): Promise<Answer> {
  const req: ProgramUpload = {
    cluster: 'c1',
    files: files.map((f) => ({ path: f.path, sizeBytes: f.bytes.byteLength })),
  };
  const { client, server } = streamPair();
  await pipeline.stage(req, server, 'alice');
  let text = '';
  client.onData((b) => {
    text += Buffer.from(b).toString('utf8');
  });
  const ended = new Promise<CorralError | undefined>((r) => client.onEnd(r));
  for (const f of files) {
    for (let i = 0; i < f.bytes.byteLength; i += chunk) {
      await client.write(f.bytes.subarray(i, i + chunk));
    }
  }
  client.end();
  const error = await ended;
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Answer['lines'][number]);
  return { lines, error };
}

const src = (text: string) => Buffer.from(text);

describe('staging an uploaded program in the data folder', () => {
  it('writes the files into a private folder and names the program on the last line', async () => {
    const { dataDir, pipeline } = intake();
    const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const answer = await upload(pipeline, [
      { path: 'src/main.c', bytes: src('int main(void) { return 0; }\n') },
      { path: 'src/empty.h', bytes: new Uint8Array(0) },
      { path: 'src/data.c', bytes: big },
    ]);
    expect(answer.error).toBeUndefined();
    const last = answer.lines.at(-1)!;
    expect(last.program).toMatchObject({
      name: 'src',
      kind: 'c',
      files: ['src/main.c', 'src/empty.h', 'src/data.c'],
      sizeBytes: 29 + big.byteLength,
    });
    // Progress came while the bytes flowed, not only at the end.
    expect(answer.lines.length).toBeGreaterThan(1);
    const staged = pipeline.get(last.program!.programId)!;
    expect(staged).toMatchObject({ cluster: 'c1', ownerId: 'alice' });
    expect(readFileSync(join(staged.dir, 'src', 'main.c'), 'utf8')).toContain('int main');
    expect(statSync(join(staged.dir, 'src', 'data.c')).size).toBe(big.byteLength);
    expect(statSync(join(staged.dir, 'src', 'empty.h')).size).toBe(0);
    expect(statSync(join(dataDir, 'programs', last.program!.programId)).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'programs')).mode & 0o777).toBe(0o700);
  });

  it('gives the same checksum to the same program and another to a changed one', async () => {
    const { pipeline } = intake();
    const a = await upload(pipeline, [{ path: 'a.c', bytes: src('int a;') }]);
    const b = await upload(pipeline, [{ path: 'a.c', bytes: src('int a;') }], 2);
    const c = await upload(pipeline, [{ path: 'a.c', bytes: src('int b;') }]);
    expect(a.lines.at(-1)!.program!.sha256).toBe(b.lines.at(-1)!.program!.sha256);
    expect(a.lines.at(-1)!.program!.sha256).not.toBe(c.lines.at(-1)!.program!.sha256);
  });

  it('refuses an AArch64 binary with the reason, and keeps nothing of it', async () => {
    const { dataDir, pipeline } = intake();
    const answer = await upload(pipeline, [{ path: 'app', bytes: elfHeader({ machine: 183 }) }]);
    expect(answer.error?.message).toBe('refused: app is an ELF for AArch64, not x86-64');
    expect(readdirSync(join(dataDir, 'programs'))).toEqual([]);
  });

  it('accepts an x86-64 ELF as it is', async () => {
    const { pipeline } = intake();
    const answer = await upload(pipeline, [{ path: 'app', bytes: readFileSync('/bin/true') }]);
    expect(answer.lines.at(-1)!.program).toMatchObject({ kind: 'elf', name: 'app' });
  });

  it('unpacks a checked tar.gz with a Makefile, and a zip of sources', async () => {
    const { pipeline } = intake();
    const tgz = tarGzOf([
      { name: 'proj/', type: '5' },
      { name: 'proj/Makefile', data: 'all:\n\tmpicc -o hello hello.c\n' },
      { name: 'proj/hello.c', data: 'int main(void){return 0;}\n' },
    ]);
    const t = await upload(pipeline, [{ path: 'proj.tar.gz', bytes: tgz }]);
    expect(t.error).toBeUndefined();
    const program = t.lines.at(-1)!.program!;
    expect(program).toMatchObject({
      name: 'proj.tar.gz',
      kind: 'make',
      files: ['proj/Makefile', 'proj/hello.c'],
    });
    const staged = pipeline.get(program.programId)!;
    expect(readFileSync(join(staged.dir, 'proj', 'Makefile'), 'utf8')).toContain('mpicc');
    // The archive itself is not kept once unpacked.
    expect(existsSync(join(staged.dir, 'proj.tar.gz'))).toBe(false);
    const z = await upload(pipeline, [
      { path: 'f.zip', bytes: zipOf([{ name: 'a.f90', data: 'program a\nend program a\n' }]) },
    ]);
    expect(z.lines.at(-1)!.program).toMatchObject({ kind: 'fortran', files: ['a.f90'] });
  });

  it('refuses a hostile archive before writing any of it', async () => {
    const { dataDir, pipeline } = intake();
    const tgz = tarGzOf([
      { name: 'ok.c', data: 'int x;' },
      { name: '../../escape.c', data: 'int y;' },
    ]);
    const answer = await upload(pipeline, [{ path: 'evil.tgz', bytes: tgz }]);
    expect(answer.error?.message).toMatch(
      /evil.tgz is refused: .*"..\/..\/escape.c" leaves its folder/,
    );
    expect(readdirSync(join(dataDir, 'programs'))).toEqual([]);
    expect(existsSync(join(dataDir, 'escape.c'))).toBe(false);
  });

  it('refuses at once an upload over the size limit, naming the limit', async () => {
    const { pipeline } = intake({ maxBytes: 1024 * 1024 });
    const { server } = streamPair();
    await expect(
      pipeline.stage(
        { cluster: 'c1', files: [{ path: 'big.c', sizeBytes: 2 * 1024 * 1024 }] },
        server,
        'alice',
      ),
    ).rejects.toThrow('the program is 2 MiB; the limit is 1 MiB');
  });

  it('refuses more bytes than announced, and fewer, and keeps nothing', async () => {
    const { dataDir, pipeline } = intake();
    const req: ProgramUpload = { cluster: 'c1', files: [{ path: 'a.c', sizeBytes: 4 }] };
    for (const bytes of [src('int x;'), src('in')]) {
      const { client, server } = streamPair();
      await pipeline.stage(req, server, 'alice');
      client.onData(() => undefined);
      const ended = new Promise<CorralError | undefined>((r) => client.onEnd(r));
      await client.write(bytes).catch(() => undefined);
      client.end();
      expect((await ended)?.message).toMatch(/more bytes than announced|ended after 2 of the 4/);
    }
    expect(readdirSync(join(dataDir, 'programs'))).toEqual([]);
  });

  it('forgets a program no job used within the hour, keeps a used one, across restarts', async () => {
    const { dataDir, pipeline } = intake();
    const unused = (await upload(pipeline, [{ path: 'u.c', bytes: src('int u;') }])).lines.at(
      -1,
    )!.program!;
    const used = (await upload(pipeline, [{ path: 'k.c', bytes: src('int k;') }])).lines.at(
      -1,
    )!.program!;
    // A build marks it used (the build itself fails at once here: no node to reach).
    const noNode = { name: 'n1', shell: () => Promise.reject(new Error('no node')) };
    await expect(
      pipeline.build(
        pipeline.get(used.programId)!,
        noNode,
        '/tmp/j',
        () => undefined,
        new AbortController().signal,
      ),
    ).rejects.toThrow('no node');
    const later = new Date(Date.now() + UNUSED_PROGRAM_MS - 60_000);
    expect(pipeline.sweep(later)).toEqual([]);
    const reopened = new ProgramIntake({ dataDir });
    cleanups.push(() => reopened.close());
    expect(reopened.get(unused.programId)?.files).toEqual(['u.c']);
    expect(reopened.sweep(new Date(Date.now() + UNUSED_PROGRAM_MS + 1000))).toEqual([
      unused.programId,
    ]);
    expect(reopened.get(unused.programId)).toBeUndefined();
    expect(existsSync(join(dataDir, 'programs', unused.programId))).toBe(false);
    expect(reopened.get(used.programId)?.kind).toBe('c');
  });
});
