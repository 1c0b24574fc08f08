import { readFileSync } from 'node:fs';
import { execFile, spawn } from 'node:child_process';

/** Output of a finished command. */
export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * Runs a program with an argument array (never a shell line) and fails with its stderr, so a lab
 * failure names the command that broke.
 */
export function run(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        env: opts.env,
        timeout: opts.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err) {
          const detail = String(stderr).trim() || String(stdout).trim() || err.message;
          reject(new Error(`${cmd} ${args.join(' ')}: ${detail}`, { cause: err }));
        } else {
          resolve({ stdout: String(stdout), stderr: String(stderr) });
        }
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like {@link run} but resolves to false instead of throwing when the command fails. */
export async function succeeds(cmd: string, args: readonly string[]): Promise<boolean> {
  try {
    await run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a long-lived process detached from us (own session, no inherited stdio) and returns its
 * pid, so the lab outlives `npm run lab -- up`.
 */
export function spawnDetached(cmd: string, args: readonly string[]): number {
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  if (child.pid === undefined) throw new Error(`cannot start ${cmd}`);
  child.unref();
  return child.pid;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Quotes an argument array for the one place a shell line is unavoidable: the command an SSH
 * server hands to the remote user's shell. Every argument becomes a single-quoted word.
 */
export function shellQuote(args: readonly string[]): string {
  return args
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** True while `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /s.test(stat);
  } catch {
    return false;
  }
}
