import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { CorralError } from '../../../api/errors';
import type { ProgramKind } from '../../../api/jobs-api';
import { execArgs, nameNodeConnection } from '../../clusters/node-ssh';
import { runStreamed } from './build-exec';
import { parseDiagnostics } from './build-diagnostics';
import { inParallel, openSftp, putFile } from './node-sftp';
import type { BuildResult, JobNode, StagedProgram } from './program-pipeline';
import { layoutOf } from './program-kind';
import { insideRoot } from './program-paths';

/** The compiler wrapper (or make) each kind needs on the build node, and what it is called. */
const TOOLS: Record<Exclude<ProgramKind, 'elf'>, { command: string; what: string }> = {
  c: { command: 'mpicc', what: 'C compiler' },
  cxx: { command: 'mpicxx', what: 'C++ compiler' },
  fortran: { command: 'mpifort', what: 'Fortran compiler' },
  make: { command: 'make', what: 'make' },
};

// Exit 3: the command is missing. Exit 4: an Open MPI wrapper whose underlying compiler is
// missing (mpifort without gfortran); its name is printed.
const PROBE_SCRIPT =
  'command -v "$1" >/dev/null 2>&1 || exit 3; case "$1" in mpi*) ;; *) exit 0;; esac; ' +
  'c=$("$1" --showme:command 2>/dev/null) || exit 0; set -- $c; ' +
  'command -v "$1" >/dev/null 2>&1 || { printf "%s" "$1"; exit 4; }';

// The executables a make run produced: newer than the stamp, owner-executable, ELF, not a
// shared library.
const FIND_BUILT =
  'find "$1" -type f -perm -u+x -newer "$2" ! -name "*.so" ! -name "*.so.*" -exec sh -c ' +
  '\'for f; do [ "$(head -c 4 "$f" | tail -c 3)" = ELF ] && printf "%s\\n" "$f"; done; true\' sh {} +';

/** Output kept for the diagnostics parser; the person sees everything live regardless. */
const MAX_PARSED_OUTPUT = 2 * 1024 * 1024;

export interface BuildOptions {
  timeoutMs: number;
}

/**
 * Copies the program to `<jobDir>/src` on the node and builds it there: sources with the
 * Open MPI wrapper into `<jobDir>/bin/<name>`, a Makefile with make in its folder, an ELF only
 * made executable. Output streams to `onOutput` as the compiler writes it.
 */
export async function buildOnNode(
  program: StagedProgram,
  node: JobNode,
  jobDir: string,
  onOutput: (bytes: Uint8Array) => void,
  signal: AbortSignal,
  options: BuildOptions,
): Promise<BuildResult> {
  if (!posix.isAbsolute(jobDir)) throw new Error(`the job folder must be absolute: ${jobDir}`);
  if (signal.aborted) throw new CorralError('cancelled', 'the build was cancelled');
  const client = await node.shell();
  nameNodeConnection(client, node.name);
  try {
    return await build(client, program, node.name, jobDir, onOutput, signal, options);
  } finally {
    if (!node.shared) client.end();
  }
}

async function build(
  client: Client,
  program: StagedProgram,
  nodeName: string,
  jobDir: string,
  onOutput: (bytes: Uint8Array) => void,
  signal: AbortSignal,
  options: BuildOptions,
): Promise<BuildResult> {
  const layout = layoutOf(program.kind, program.files);
  const srcDir = posix.join(jobDir, 'src');
  const binDir = posix.join(jobDir, 'bin');
  const dirs = new Set([jobDir, srcDir, binDir]);
  for (const f of program.files) dirs.add(posix.dirname(posix.join(srcDir, f)));
  // Each step is a round trip to the node: what does not depend on another overlaps it.
  const session = openSftp(client);
  session.catch(() => undefined);
  const tool = layout.kind === 'elf' ? undefined : TOOLS[layout.kind];
  const probed = tool ? probeTool(client, tool, nodeName) : Promise.resolve();
  probed.catch(() => undefined);
  try {
    await mustSucceed(
      client,
      ['mkdir', '-p', '-m', '0700', '--', ...dirs],
      'creating the job folder',
      nodeName,
    );
    await upload(await session, program, srcDir, signal);
  } finally {
    void session.then((s) => s.end()).catch(() => undefined);
  }
  const say = (text: string) => onOutput(new TextEncoder().encode(text));

  if (layout.kind === 'elf') {
    const binaryPath = posix.join(srcDir, layout.entry);
    await mustSucceed(
      client,
      ['chmod', '0755', '--', binaryPath],
      'making the program executable',
      nodeName,
    );
    say(`${layout.entry}: an x86-64 executable; nothing to build\n`);
    return { ok: true, exitCode: 0, diagnostics: [], binaryPath };
  }
  await probed;

  let argv: string[];
  let cwd: string;
  let binaryPath: string | undefined;
  const stamp = posix.join(jobDir, '.corral-build-stamp');
  if (layout.kind === 'make') {
    cwd = layout.entry ? posix.join(srcDir, layout.entry) : srcDir;
    argv = ['make'];
    await mustSucceed(client, ['touch', '--', stamp], 'marking the build start', nodeName);
  } else {
    cwd = srcDir;
    binaryPath = posix.join(binDir, stem(layout.sources[0]!));
    argv = [TOOLS[layout.kind].command, '-O2', '-o', binaryPath, ...layout.sources];
    if (layout.kind === 'c') argv.push('-lm');
  }
  say(`$ ${argv.join(' ')}\n`);
  let kept = '';
  const decoder = new TextDecoder();
  const exitCode = await runStreamed(client, {
    cwd,
    pidFile: posix.join(jobDir, '.corral-build.pid'),
    argv,
    timeoutMs: options.timeoutMs,
    signal,
    node: nodeName,
    onOutput: (bytes) => {
      if (kept.length < MAX_PARSED_OUTPUT) kept += decoder.decode(bytes, { stream: true });
      onOutput(bytes);
    },
  });
  kept += decoder.decode();
  const diagnostics = parseDiagnostics(kept);
  if (exitCode !== 0) return { ok: false, exitCode, diagnostics };
  if (layout.kind === 'make') {
    const found = await execArgs(client, ['sh', '-c', FIND_BUILT, 'sh', cwd, stamp], {
      purpose: 'looking for the executable make built',
    });
    const built = found.stdout.split('\n').filter(Boolean).sort();
    if (built.length !== 1) {
      const why =
        built.length === 0
          ? 'make succeeded but built no new executable'
          : `make built several executables (${built.map((b) => posix.relative(srcDir, b)).join(', ')}); leave one`;
      say(`${why}\n`);
      return { ok: false, exitCode, diagnostics };
    }
    binaryPath = built[0]!;
  }
  return { ok: true, exitCode, diagnostics, binaryPath: binaryPath! };
}

/** A program file's name without its extension (the compiled executable's name). */
function stem(path: string): string {
  const base = posix.basename(path);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

async function upload(
  sftp: SFTPWrapper,
  program: StagedProgram,
  srcDir: string,
  signal: AbortSignal,
) {
  await inParallel(program.files, 4, async (f) => {
    if (signal.aborted) throw new CorralError('cancelled', 'the build was cancelled');
    const local = insideRoot(program.dir, f);
    const executable = ((await stat(local)).mode & 0o100) !== 0;
    await putFile(sftp, local, posix.join(srcDir, f), executable ? 0o755 : 0o644);
  });
}

async function probeTool(
  client: Client,
  tool: { command: string; what: string },
  nodeName: string,
): Promise<void> {
  const r = await execArgs(client, ['sh', '-c', PROBE_SCRIPT, 'sh', tool.command], {
    purpose: `looking for ${tool.command}`,
  });
  if (r.code === 3) {
    throw new CorralError(
      'unavailable',
      tool.command === 'make'
        ? `no make on node ${nodeName}: the program has a Makefile`
        : `no ${tool.what} on node ${nodeName}: ${tool.command} (Open MPI's compiler wrapper) is not installed`,
      { node: nodeName },
    );
  }
  if (r.code === 4) {
    throw new CorralError(
      'unavailable',
      `no ${tool.what} on node ${nodeName}: ${tool.command} needs ${r.stdout.trim()}, which is not installed`,
      { node: nodeName },
    );
  }
  if (r.code !== 0) {
    throw new CorralError(
      'unavailable',
      `${nodeName}: cannot check for ${tool.command}: ${r.stderr.trim()}`,
    );
  }
}

async function mustSucceed(client: Client, argv: string[], purpose: string, nodeName: string) {
  const r = await execArgs(client, argv, { purpose });
  if (r.code !== 0) {
    throw new CorralError('unavailable', `${nodeName}: ${purpose} failed: ${r.stderr.trim()}`, {
      node: nodeName,
    });
  }
}
