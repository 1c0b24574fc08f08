import type { Client, ClientChannel } from 'ssh2';

/** What one bounded remote command needs besides its command line. */
export interface ExecCommandOptions {
  /** Bytes for the command's stdin; the channel's input is closed after them. */
  stdin?: string | Buffer;
  /** The whole command's deadline, from the exec request to the channel's close (ms). */
  timeoutMs: number;
}

/** What a finished command left. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The remote command passed its deadline; its channel was closed (the connection stays). */
export class ExecTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the command did not finish within ${timeoutMs / 1000} s and was stopped`);
    this.name = 'ExecTimeoutError';
  }
}

/**
 * Runs `command` on an ssh2 connection and collects its output, with a deadline: a command that
 * hangs (a stuck mount, a daemon that never answers) must not hold a caller forever. When the
 * deadline passes, the remote process is sent KILL (sshd honours that for non-root logins only)
 * and the channel is closed; only that channel goes, so the shared connection stays usable.
 */
export function execCommand(
  ssh: Client,
  command: string,
  options: ExecCommandOptions,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new ExecTimeoutError(options.timeoutMs)));
      if (channel) stopChannel(channel);
    }, options.timeoutMs);
    ssh.exec(command, (err, ch) => {
      if (err) return settle(() => reject(err));
      // The deadline passed before the server opened the channel: close it at once.
      if (settled) return stopChannel(ch);
      channel = ch;
      let stdout = '';
      let stderr = '';
      ch.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      ch.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      ch.on('close', (code: number | null) =>
        settle(() => resolve({ code: code ?? -1, stdout, stderr })),
      );
      ch.on('error', (e: Error) => settle(() => reject(e)));
      ch.end(options.stdin);
    });
  });
}

/** Kills the remote process where the server allows it, then closes the channel. */
function stopChannel(channel: ClientChannel): void {
  channel.on('error', () => undefined);
  try {
    channel.signal('KILL');
  } catch {
    // A server that refuses signal requests still ends the process when the channel closes.
  }
  channel.close();
}
