import type { Client, ClientChannel } from 'ssh2';

/**
 * Runs `command` on an ssh2 connection and resolves with its channel (stdin/stdout as a Duplex).
 * stderr is kept (last 4 KiB) so a failing helper can be explained: see {@link channelStderr}.
 */
export function execChannel(ssh: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    ssh.exec(command, (err, channel) => {
      if (err) {
        reject(err);
        return;
      }
      let stderr = '';
      channel.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString('utf8')).slice(-4096);
      });
      stderrOf.set(channel, () => stderr);
      resolve(channel);
    });
  });
}

const stderrOf = new WeakMap<ClientChannel, () => string>();

/** What the remote command wrote to stderr so far (for error messages). */
export function channelStderr(channel: ClientChannel): string {
  return stderrOf.get(channel)?.() ?? '';
}
