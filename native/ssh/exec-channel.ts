import type { Client, ClientChannel } from 'ssh2';

/** How long the server may take to open the channel by default (ms). */
const OPEN_TIMEOUT_MS = 30_000;

/**
 * Runs `command` on an ssh2 connection and resolves with its channel (stdin/stdout as a Duplex).
 * stderr is kept (last 4 KiB) so a failing helper can be explained: see {@link channelStderr}.
 * The channel lives as long as its user wants (a libvirt connection), but opening it has a
 * deadline: a server that never answers the request must not stall a connect forever.
 */
export function execChannel(
  ssh: Client,
  command: string,
  openTimeoutMs = OPEN_TIMEOUT_MS,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`the SSH server did not open a channel within ${openTimeoutMs / 1000} s`));
    }, openTimeoutMs);
    ssh.exec(command, (err, channel) => {
      clearTimeout(timer);
      if (late) {
        if (!err) channel.close();
        return;
      }
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
