import type { Client } from 'ssh2';
import { CorralError } from '../../../api/errors';
import { shellQuote } from '../../../native/ssh';
import { execArgs } from '../../clusters/node-ssh';

// A fixed script: in the folder $1, records its process group (timeout's, whose child it is)
// in $2 so a cancel can kill the whole build, then runs the rest with stderr merged into stdout
// so the person sees the compiler's messages in the order it wrote them.
const BUILD_SCRIPT = 'cd "$1" || exit 125; echo "$PPID" > "$2"; shift 2; exec "$@" 2>&1 </dev/null';
// Kills the process group named in the file $1 (a cancelled build and everything it started).
// (pkill -g: dash's kill builtin does not take "--" before a negative process group id.)
const KILL_SCRIPT = 'pkill -KILL -g "$(cat "$1")"; true';

/** `timeout -s KILL` exits with 128 + 9 when it killed the command. */
const KILLED = 137;

export interface StreamedCommand {
  /** The folder the command runs in, on the node. */
  cwd: string;
  /** Where the command's process group is recorded, on the node. */
  pidFile: string;
  argv: readonly string[];
  timeoutMs: number;
  onOutput: (bytes: Uint8Array) => void;
  signal: AbortSignal;
  /** Names the node in errors. */
  node: string;
}

/**
 * Runs a command on a node with its output streamed as it comes (stdout and stderr merged, in
 * order). The node enforces the deadline too (`timeout -s KILL`, which makes the command its
 * own process group); an abort kills that group with a separate command, because sshd does not
 * deliver signals to root sessions. Resolves with the exit status; rejects when cancelled or
 * past the deadline.
 */
export function runStreamed(client: Client, cmd: StreamedCommand): Promise<number> {
  const seconds = Math.ceil(cmd.timeoutMs / 1000);
  const line = [
    'timeout',
    '-s',
    'KILL',
    String(seconds),
    'sh',
    '-c',
    BUILD_SCRIPT,
    'sh',
    cmd.cwd,
    cmd.pidFile,
    ...cmd.argv,
  ]
    .map(shellQuote)
    .join(' ');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    let stop: (() => void) | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cmd.signal.removeEventListener('abort', onAbort);
      fn();
    };
    // Set once the build is being stopped: its channel closing then says nothing.
    let stopping = false;
    // Settles once the kill ran on the node: the caller may end the connection right after,
    // which would otherwise drop the kill before the node got it.
    const kill = () => {
      stopping = true;
      const done = execArgs(client, ['sh', '-c', KILL_SCRIPT, 'sh', cmd.pidFile], {
        purpose: 'stopping the build',
        timeoutMs: 15_000,
      }).then(
        () => undefined,
        () => undefined,
      );
      stop?.();
      return done;
    };
    const onAbort = () => {
      void kill().then(() =>
        finish(() =>
          reject(new CorralError('cancelled', `the build on ${cmd.node} was cancelled`)),
        ),
      );
    };
    const timer = setTimeout(() => {
      void kill().then(() =>
        finish(() =>
          reject(
            new CorralError(
              'timeout',
              `the build on ${cmd.node} did not finish within ${seconds} s and was stopped`,
            ),
          ),
        ),
      );
    }, cmd.timeoutMs + 2_000);
    if (cmd.signal.aborted) {
      onAbort();
      return;
    }
    cmd.signal.addEventListener('abort', onAbort, { once: true });
    client.exec(line, (err, channel) => {
      if (err) {
        finish(() =>
          reject(
            new CorralError('unavailable', `${cmd.node}: cannot start the build: ${err.message}`),
          ),
        );
        return;
      }
      if (settled || stopping) {
        channel.close();
        return;
      }
      stop = () => channel.close();
      const forward = (d: Buffer) => {
        if (!settled) cmd.onOutput(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      };
      channel.on('data', forward);
      // Only the script's own failures reach stderr (the command's went to stdout).
      channel.stderr.on('data', forward);
      channel.on('error', (e: Error) =>
        stopping
          ? undefined
          : finish(() => reject(new CorralError('unavailable', `${cmd.node}: ${e.message}`))),
      );
      channel.on('close', (code: number | null) => {
        if (stopping) return;
        if (code === null) {
          finish(() =>
            reject(new CorralError('unavailable', `${cmd.node}: the build ended without a status`)),
          );
        } else if (code === KILLED && Date.now() - started >= cmd.timeoutMs) {
          // The node's own deadline struck first (our timer runs a little later).
          finish(() =>
            reject(
              new CorralError(
                'timeout',
                `the build on ${cmd.node} did not finish within ${seconds} s and was stopped`,
              ),
            ),
          );
        } else {
          finish(() => resolve(code));
        }
      });
      channel.end();
    });
  });
}
