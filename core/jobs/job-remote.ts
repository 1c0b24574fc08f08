import type { Client, ClientChannel } from 'ssh2';
import { execChannel, shellQuote } from '../../native/ssh';
import { execArgs, writeNodeFiles } from '../clusters/node-ssh';
import { launchArgv } from './mpirun-argv';

/** Where a job's files live on every node: the executable, the wrapper, mpirun's output. */
export const JOBS_ROOT = '/var/tmp/corral-jobs';

export function jobDirOf(id: string): string {
  return `${JOBS_ROOT}/${id}`;
}

/** Writes files into the job folder on a node (atomically each). */
export async function writeJobFiles(
  ssh: Client,
  files: ReadonlyArray<{ path: string; content: string; permissions: string }>,
): Promise<void> {
  await writeNodeFiles(ssh, files);
}

/** Starts mpirun detached on the launch node; resolves with its process group's id. */
export async function launchDetached(
  ssh: Client,
  jobDir: string,
  mpirun: readonly string[],
): Promise<number> {
  const r = await execArgs(ssh, launchArgv(jobDir, mpirun), { purpose: 'starting mpirun' });
  const pid = Number(r.stdout.trim());
  if (r.code !== 0 || !Number.isInteger(pid) || pid <= 1) {
    throw new Error(`mpirun did not start: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return pid;
}

/** The pid recorded in the job folder at launch (undefined: mpirun was never started). */
export async function recordedPid(ssh: Client, jobDir: string): Promise<number | undefined> {
  const r = await execArgs(ssh, ['cat', `${jobDir}/mpirun.pid`], { purpose: 'reading mpirun.pid' });
  const pid = Number(r.stdout.trim());
  return r.code === 0 && Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

// The job folder is read from stdin, never from the command line: a search by command line must
// not find the search itself.
const ALIVE = 'read -r d; read -r p; test -d "/proc/$p" && grep -qF -- "$d" "/proc/$p/cmdline"';

/** Whether the launch's session leader (the shell around mpirun) still runs. */
export async function launchAlive(ssh: Client, jobDir: string, pid: number): Promise<boolean> {
  const r = await execArgs(ssh, ['sh', '-c', ALIVE], {
    purpose: 'checking mpirun',
    stdin: `${jobDir}\n${pid}\n`,
  });
  return r.code === 0;
}

/** mpirun's exit status as the launch script recorded it (undefined: not yet, or killed). */
export async function mpirunStatus(ssh: Client, jobDir: string): Promise<number | undefined> {
  const r = await execArgs(ssh, ['cat', `${jobDir}/mpirun.status`], {
    purpose: 'reading mpirun.status',
  });
  const n = Number(r.stdout.trim());
  return r.code === 0 && r.stdout.trim() !== '' && Number.isInteger(n) ? n : undefined;
}

/** What the rank wrappers recorded on this node (`rank:line` per line). */
export async function rankRecordLines(
  ssh: Client,
  jobDir: string,
  timeoutMs = 15_000,
): Promise<string> {
  const r = await execArgs(
    ssh,
    ['sh', '-c', 'cd "$1/ranks" 2>/dev/null && grep -H "" -- * 2>/dev/null; true', 'sh', jobDir],
    { purpose: 'reading the rank records', timeoutMs },
  );
  return r.stdout;
}

/** Signals the launch's process group (mpirun and what it runs on this node). */
export async function signalGroup(
  ssh: Client,
  pid: number,
  signal: 'TERM' | 'KILL',
): Promise<void> {
  await execArgs(ssh, ['kill', `-${signal}`, '--', `-${pid}`], {
    purpose: `sending SIG${signal} to mpirun`,
    timeoutMs: 10_000,
  });
}

const SWEEP = [
  'read -r d',
  'pkill -KILL -f -- "$d" 2>/dev/null',
  'i=0; while pgrep -f -- "$d" >/dev/null && [ $i -lt 10 ]; do sleep 0.1; pkill -KILL -f -- "$d"; i=$((i+1)); done',
  'pgrep -a -f -- "$d"; true',
].join('\n');

/**
 * Kills whatever of the job is left on a node (every process whose command line names the job
 * folder) and lists what still runs after (empty: nothing is left).
 */
export async function sweepNode(ssh: Client, jobDir: string): Promise<string[]> {
  const r = await execArgs(ssh, ['sh', '-c', SWEEP], {
    purpose: 'stopping what is left of the job',
    stdin: `${jobDir}\n`,
    timeoutMs: 10_000,
  });
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** Removes the job folder on a node. */
export async function removeJobDir(ssh: Client, jobDir: string): Promise<void> {
  await execArgs(ssh, ['rm', '-rf', '--', jobDir], { purpose: 'removing the job folder' });
}

/**
 * Follows mpirun.xml from byte `offset` until the launch's session leader exits (then what is
 * left is read out and the channel ends). The caller owns the channel: ending it stops the tail.
 */
export function tailXml(
  ssh: Client,
  jobDir: string,
  offset: number,
  pid: number,
): Promise<ClientChannel> {
  const argv = [
    'tail',
    '-c',
    `+${offset + 1}`,
    // How soon the session leader's end is seen (new bytes arrive at once: inotify).
    '-s',
    '0.05',
    `--pid=${pid}`,
    '-f',
    `${jobDir}/mpirun.xml`,
  ];
  return execChannel(ssh, argv.map(shellQuote).join(' '));
}
