import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteStream, DEFAULT_WINDOW } from '../../api/byte-stream';
import type { Cluster } from '../../api/clusters-api';
import type { CorralError } from '../../api/errors';
import { ProgramUpload, type Program } from '../../api/jobs-api';
import type { CallContext } from '../../core/call-context';
import { HOSTFILE_PATH } from '../../core/clusters/cluster-naming';
import { endpointOf } from '../../core/clusters/node-builder';
import { connectNode } from '../../core/clusters/node-ssh';
import type { CorralCore } from '../../core/corral-core';
import { openSftp, putFile } from '../../core/jobs/program/node-sftp';
import type { JobNode } from '../../core/jobs/program/program-pipeline';
import { ProgramIntake } from '../../core/jobs/program/program-intake';
import { elfHeader } from '../unit/jobs/program-fixtures';
import { labClusterSpec, nodeHostKey, nodeSsh, until, waitForRoom } from './clusters-support';
import { run } from './exec';
import { currentLab } from './lab-fixture';
import { createLabCluster, startLabClusters, stopLabClusters } from './lab-cluster-setup';
import { labMpirunArgv } from './mpirun-argv';
import type { LabHost, LabState } from './state';

/**
 * The program intake of MPI jobs against real nodes: one 2-node cluster over 2 hosts, made through
 * CorralCore; programs staged from an upload stream, built on the first node over SSH (live
 * output, diagnostics), copied to both nodes and checked by sha256 on each, with host truth read
 * over a separate ssh login.
 */
const PREFIX = 'j1aprog';
const CLUSTER = `${PREFIX}-mpi`;
const admin: CallContext = { sessionId: 'j1a-admin' };
const alice: CallContext = { sessionId: 'j1a-alice' };

let core: CorralCore;
let dataDir: string;
let lab: LabState;
let hostIds: string[] = [];
let nodes: Cluster['nodes'][number][] = [];
let jobNodes: JobNode[] = [];
let pipeline: ProgramIntake;
const hostKeys = new Map<string, string>();

const hostOf = (n: Cluster['nodes'][number]): LabHost => lab.hosts[hostIds.indexOf(n.hostId)]!;
const sh = (n: Cluster['nodes'][number], script: string) =>
  nodeSsh(lab, dataDir, n.addresses[0]!, hostKeys.get(n.name)!, ['sh', '-c', script]).then((r) =>
    r.stdout.trim(),
  );
const never = () => new AbortController().signal;

/** Both ends of an upload stream, wired as a transport would (asynchronous delivery). */
function streamPair() {
  const ends: { client?: ByteStream } = {};
  const server = new ByteStream(
    1,
    (m) => queueMicrotask(() => ends.client!.handle(m)),
    DEFAULT_WINDOW,
  );
  const client = new ByteStream(1, (m) => queueMicrotask(() => server.handle(m)), DEFAULT_WINDOW);
  ends.client = client;
  return { client, server };
}

/** Uploads files as the client of `jobs.upload` does; the staged program or the refusal. */
async function stage(
  files: { path: string; bytes: Uint8Array }[],
): Promise<{ program?: Program; error?: CorralError }> {
  const req = ProgramUpload.parse({
    cluster: CLUSTER,
    files: files.map((f) => ({ path: f.path, sizeBytes: f.bytes.byteLength })),
  });
  const { client, server } = streamPair();
  await pipeline.stage(req, server, 'alice');
  let text = '';
  client.onData((b) => {
    text += Buffer.from(b).toString('utf8');
  });
  const ended = new Promise<CorralError | undefined>((r) => client.onEnd(r));
  for (const f of files) await client.write(f.bytes);
  client.end();
  const error = await ended;
  if (error) return { error };
  const last = JSON.parse(text.trim().split('\n').at(-1)!) as { program: Program };
  return { program: last.program };
}

async function build(program: Program, jobDir: string, signal = never()) {
  let output = '';
  const result = await pipeline.build(
    pipeline.get(program.programId)!,
    jobNodes[0]!,
    jobDir,
    (b) => (output += Buffer.from(b).toString('utf8')),
    signal,
  );
  return { ...result, output };
}

/**
 * The lab image has gcc and Open MPI's wrappers but no make: the build node gets Debian's make
 * package from this machine's mirror (the node itself has no route to it).
 */
async function installMake(node: JobNode): Promise<void> {
  const dir = mkdtempSync(join(dataDir, 'deb-'));
  await run('apt-get', ['download', 'make'], { cwd: dir });
  const deb = readdirSync(dir).find((f) => f.startsWith('make_') && f.endsWith('.deb'))!;
  const client = await node.shell();
  try {
    const sftp = await openSftp(client);
    await putFile(sftp, join(dir, deb), '/root/make.deb', 0o644);
    sftp.end();
  } finally {
    client.end();
  }
}

describe('MPI program intake on a lab cluster', () => {
  beforeAll(async () => {
    lab = currentLab();
    ({ core, dataDir, hostIds } = await startLabClusters(lab, {
      prefix: PREFIX,
      dataDirPrefix: 'corral-j1a-programs-',
      admin: { ctx: admin, username: 'j1aadmin', password: 'admin-password' },
      users: [{ ctx: alice, username: 'j1aalice', password: 'alice-password' }],
    }));
    await waitForRoom(lab, 2);
    const spec = labClusterSpec(lab, CLUSTER, 2, { first: '10.213.0.212', last: '10.213.0.214' });
    await createLabCluster(core, spec, alice);
    const cluster = await until('the cluster listed with 2 nodes', 30_000, async () =>
      (await core.clusters.list(alice)).find((c) => c.name === CLUSTER && c.nodes.length === 2),
    );
    nodes = [...cluster.nodes].sort((a, b) => a.name.localeCompare(b.name));
    expect(new Set(nodes.map((n) => n.hostId)).size).toBe(2);
    const key = readFileSync(lab.sshKey, 'utf8');
    for (const n of nodes) hostKeys.set(n.name, await nodeHostKey(hostOf(n), n.name));
    // As Corral reaches a node: through its host's SSH connection, trusting only its own key.
    jobNodes = nodes.map((n) => ({
      name: n.name,
      shell: () =>
        connectNode(
          endpointOf(core.hosts, {
            name: n.name,
            hostId: n.hostId,
            address: n.addresses[0]!,
            hostKey: hostKeys.get(n.name)!,
          }),
          key,
        ),
    }));
    pipeline = new ProgramIntake({ dataDir });
    await installMake(jobNodes[0]!);
    await sh(nodes[0]!, 'dpkg -i /root/make.deb >/dev/null && rm /root/make.deb');
  }, 900_000);

  afterAll(async () => {
    pipeline?.close();
    await stopLabClusters({ lab, core, dataDir }, PREFIX);
  }, 120_000);

  it('a syntax error gives its file and line and a non-zero exit code, and nothing is distributed', async () => {
    const source =
      '#include <mpi.h>\nint main(int c, char **v) {\n  MPI_Init(&c, &v)\n  return 0;\n}\n';
    const { program } = await stage([{ path: 'broken.c', bytes: Buffer.from(source) }]);
    expect(program).toMatchObject({ kind: 'c', name: 'broken.c' });
    const jobDir = '/root/j1a-jobs/syntax';
    const built = await build(program!, jobDir);
    expect(built.ok).toBe(false);
    expect(built.exitCode).not.toBe(0);
    expect(built.binaryPath).toBeUndefined();
    expect(built.diagnostics).toContainEqual(
      expect.objectContaining({ file: 'broken.c', line: 3, severity: 'error' }),
    );
    // The person saw the command and the compiler's own words, live.
    expect(built.output).toContain('$ mpicc -O2 -o /root/j1a-jobs/syntax/bin/broken');
    expect(built.output).toMatch(/broken\.c:3:\d+: error: expected ';'/);
    expect(await sh(nodes[0]!, 'ls /root/j1a-jobs/syntax/bin | wc -l')).toBe('0');
    expect(await sh(nodes[1]!, 'test -e /root/j1a-jobs && echo there || echo absent')).toBe(
      'absent',
    );
  }, 300_000);

  it('a tar.gz with a Makefile builds, and the binary is on both nodes with equal checksums', async () => {
    const src = mkdtempSync(join(dataDir, 'src-'));
    mkdirSync(join(src, 'hello'));
    writeFileSync(
      join(src, 'hello', 'hello.c'),
      '#include <mpi.h>\n#include <stdio.h>\nint main(int c, char **v) {\n  int r;\n  MPI_Init(&c, &v);\n' +
        '  MPI_Comm_rank(MPI_COMM_WORLD, &r);\n  printf("rank %d says hello\\n", r);\n' +
        '  MPI_Finalize();\n  return 0;\n}\n',
    );
    writeFileSync(join(src, 'hello', 'Makefile'), 'hello: hello.c\n\tmpicc -O2 -o hello hello.c\n');
    const archive = join(dataDir, 'hello.tar.gz');
    execFileSync('tar', ['czf', archive, '-C', src, 'hello']);
    const { program, error } = await stage([
      { path: 'hello.tar.gz', bytes: readFileSync(archive) },
    ]);
    expect(error).toBeUndefined();
    expect(program).toMatchObject({ kind: 'make', files: ['hello/Makefile', 'hello/hello.c'] });
    const jobDir = '/root/j1a-jobs/make';
    const built = await build(program!, jobDir);
    expect(built).toMatchObject({ ok: true, exitCode: 0, binaryPath: `${jobDir}/src/hello/hello` });
    expect(built.output).toContain('mpicc -O2 -o hello hello.c');
    const sent = await pipeline.distribute(
      jobNodes[0]!,
      built.binaryPath!,
      jobNodes,
      jobDir,
      never(),
    );
    expect(sent.path).toBe(built.binaryPath);
    // Host truth, from each node over its own login.
    for (const n of nodes) {
      expect(await sh(n, `sha256sum ${sent.path}`)).toBe(`${sent.sha256}  ${sent.path}`);
      expect(await sh(n, `stat -c %a ${sent.path}`)).toBe('755');
    }
    const out = await nodeSsh(
      lab,
      dataDir,
      nodes[0]!.addresses[0]!,
      hostKeys.get(nodes[0]!.name)!,
      labMpirunArgv(['--hostfile', HOSTFILE_PATH], 2, [sent.path]),
    );
    expect(out.stdout.trim().split('\n').sort()).toEqual([
      'rank 0 says hello',
      'rank 1 says hello',
    ]);
  }, 300_000);

  it('an x86-64 ELF is not compiled but copied, made executable and checked on every node', async () => {
    const { program } = await stage([{ path: 'true-bin', bytes: readFileSync('/bin/true') }]);
    expect(program).toMatchObject({ kind: 'elf' });
    const jobDir = '/root/j1a-jobs/elf';
    const built = await build(program!, jobDir);
    expect(built).toMatchObject({ ok: true, exitCode: 0, binaryPath: `${jobDir}/src/true-bin` });
    const sent = await pipeline.distribute(
      jobNodes[0]!,
      built.binaryPath!,
      jobNodes,
      jobDir,
      never(),
    );
    for (const n of nodes) {
      expect(await sh(n, `${sent.path} && sha256sum ${sent.path}`)).toBe(
        `${sent.sha256}  ${sent.path}`,
      );
    }
  }, 300_000);

  it('an AArch64 ELF is refused at staging, before any build or distribution', async () => {
    const before = readdirSync(join(dataDir, 'programs')).length;
    const { program, error } = await stage([
      { path: 'app-arm64', bytes: elfHeader({ machine: 183 }) },
    ]);
    expect(program).toBeUndefined();
    expect(error?.message).toBe('refused: app-arm64 is an ELF for AArch64, not x86-64');
    expect(readdirSync(join(dataDir, 'programs')).length).toBe(before);
  });

  it('a file over the size limit is refused with the limit named', async () => {
    const { server } = streamPair();
    const req = ProgramUpload.parse({
      cluster: CLUSTER,
      files: [{ path: 'huge.c', sizeBytes: 65 * 1024 * 1024 }],
    });
    await expect(pipeline.stage(req, server, 'alice')).rejects.toThrow(
      'the program is 65 MiB; the limit is 64 MiB',
    );
  });

  it('a name with control characters is refused by the contract and by the intake', async () => {
    const files = [{ path: 'evil\u001b[31m.c', sizeBytes: 1 }];
    expect(ProgramUpload.safeParse({ cluster: CLUSTER, files }).success).toBe(false);
    // Even if the schema were bypassed, the intake checks names again.
    const { server } = streamPair();
    await expect(pipeline.stage({ cluster: CLUSTER, files }, server, 'alice')).rejects.toThrow(
      '"evil\\x1b[31m.c" has control characters in its name',
    );
  });

  it('Fortran without gfortran on the node says there is no Fortran compiler on it', async () => {
    // The lab image carries gfortran-12 (pulled in by Open MPI's headers) but not the
    // `gfortran` command mpifort calls.
    const { program } = await stage([
      { path: 'hi.f90', bytes: Buffer.from('program hi\n  print *, "hi"\nend program hi\n') },
    ]);
    expect(program).toMatchObject({ kind: 'fortran' });
    await expect(build(program!, '/root/j1a-jobs/fortran')).rejects.toThrow(
      `no Fortran compiler on node ${nodes[0]!.name}: mpifort needs gfortran, which is not installed`,
    );
  }, 120_000);

  it('a cancelled build stops the compiler on the node', async () => {
    const { program } = await stage([
      { path: 'slow/Makefile', bytes: Buffer.from('all:\n\techo building && sleep 600\n') },
    ]);
    const abort = new AbortController();
    const building = build(program!, '/root/j1a-jobs/slow', abort.signal);
    await until(
      'make to start',
      60_000,
      async () =>
        (await sh(nodes[0]!, 'pgrep -x sleep >/dev/null && echo yes || echo no')) === 'yes',
    );
    abort.abort();
    await expect(building).rejects.toThrow(/cancelled/);
    await until(
      'no sleep left on the node',
      30_000,
      async () =>
        (await sh(nodes[0]!, 'pgrep -x sleep >/dev/null && echo yes || echo no')) === 'no',
    );
  }, 120_000);
});
