import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { CorralError } from '../../api/errors';
import { connectSsh, execCommand, ExecTimeoutError, shellQuote } from '../../native/ssh';
import type { SeedFile } from '../provisioning/nocloud-seed';

/** How to reach one node: through its host's SSH connection, or directly for "This computer". */
export interface NodeEndpoint {
  name: string;
  address: string;
  /** The node's host key line; the node is refused if it presents another. */
  hostKey: string;
  /** The host's ssh2 connection (jump host); undefined to connect directly. */
  jump: Client | undefined;
}

/** A TCP stream to `address:22`, through the jump host when there is one. */
export function openTunnel(endpoint: NodeEndpoint, timeoutMs = 5_000): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out opening a tunnel')), timeoutMs);
    const done = (err: Error | undefined, stream?: Duplex) => {
      clearTimeout(timer);
      if (err || !stream) reject(err ?? new Error('no stream'));
      else resolve(stream);
    };
    if (endpoint.jump) {
      endpoint.jump.forwardOut('127.0.0.1', 0, endpoint.address, 22, (err, channel) =>
        done(err ?? undefined, channel),
      );
    } else {
      const socket = netConnect({ host: endpoint.address, port: 22 });
      socket.once('connect', () => done(undefined, socket));
      socket.once('error', (err) => done(err));
    }
  });
}

/** Reads the first bytes the server sends; true when they are an SSH banner. */
async function readBanner(endpoint: NodeEndpoint, timeoutMs: number): Promise<boolean> {
  let stream: Duplex;
  try {
    stream = await openTunnel(endpoint, timeoutMs);
  } catch {
    return false;
  }
  return new Promise((resolve) => {
    let text = '';
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      stream.removeAllListeners('data');
      stream.on('error', () => undefined);
      stream.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    stream.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes('\n') || text.length > 255) finish(text.startsWith('SSH-'));
    });
    stream.on('error', () => finish(false));
    stream.on('close', () => finish(false));
  });
}

/**
 * Waits until the node's sshd answers with a banner (LAB-NOTES: detect readiness from the
 * banner, not repeated logins), polling through the jump host. `cancelled` stops it early;
 * `hostOnline` throws once the node's host has dropped, so that ends the wait at once instead of
 * after the whole timeout.
 */
export async function waitForSshBanner(
  endpoint: NodeEndpoint,
  options: { timeoutMs: number; cancelled: () => boolean; hostOnline: () => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.cancelled()) throw new CorralError('cancelled', 'cancelled');
    try {
      options.hostOnline();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new CorralError(
        'unavailable',
        `the host dropped while ${endpoint.name} booted: ${why}`,
      );
    }
    if (await readBanner(endpoint, 5_000)) return;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new CorralError(
    'timeout',
    `${endpoint.name} (${endpoint.address}) did not answer SSH within ${options.timeoutMs / 1000} s`,
  );
}

/** Logs in to the node as root with the cluster key, verifying its host key exactly. */
export async function connectNode(endpoint: NodeEndpoint, privateKey: string): Promise<Client> {
  const [keyType, keyBase64] = endpoint.hostKey.trim().split(/\s+/);
  const sock = await openTunnel(endpoint, 10_000);
  try {
    const client = await connectSsh({
      host: endpoint.address,
      username: 'root',
      privateKey,
      sock,
      verifyHostKey: (k) => k.keyType === keyType && k.keyBase64 === keyBase64,
      readyTimeoutMs: 30_000,
    });
    client.on('error', () => undefined);
    nameNodeConnection(client, endpoint.name);
    return client;
  } catch (err) {
    sock.destroy();
    throw err;
  }
}

/** A node command's deadline unless the call gives its own (ms). */
export const NODE_COMMAND_TIMEOUT_MS = 60_000;

/** `timeout -s KILL` exits with 128 + 9 when it killed the command. */
const KILLED_BY_TIMEOUT = 137;

/** The node each connection reaches, so a failing command can say where it failed. */
const nodeNames = new WeakMap<Client, string>();

/** Names the node a connection reaches (connectNode does; tests on another sshd too). */
export function nameNodeConnection(client: Client, node: string): void {
  nodeNames.set(client, node);
}

/** What one node command is for, and how long it may take. */
export interface NodeCommandOptions {
  /** Said in errors instead of the command line, which may carry secrets: "writing /etc/hosts". */
  purpose: string;
  stdin?: string;
  /** Overrides {@link NODE_COMMAND_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * Runs a command (an argument array, each quoted) on a node and collects its output. Every call
 * has a deadline; past it the command is killed, its channel closed (the connection stays
 * usable), and the error names the node and the purpose.
 */
export async function execArgs(
  client: Client,
  argv: readonly string[],
  options: NodeCommandOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const timeoutMs = options.timeoutMs ?? NODE_COMMAND_TIMEOUT_MS;
  // sshd refuses signal requests on root sessions (no privilege separation after a root login),
  // and closing the channel does not end a command that neither reads nor writes: the node
  // enforces the deadline too, killing the command's whole process group a second after ours.
  const remoteSeconds = Math.ceil(timeoutMs / 1000) + 1;
  const command = ['timeout', '-s', 'KILL', String(remoteSeconds), ...argv]
    .map(shellQuote)
    .join(' ');
  const node = nodeNames.get(client) ?? 'the node';
  const timedOut = () =>
    new CorralError(
      'timeout',
      `${node}: ${options.purpose} did not finish within ${timeoutMs / 1000} s; the command was stopped`,
      { node, purpose: options.purpose, timeoutMs },
    );
  const started = Date.now();
  try {
    const result = await execCommand(client, command, { stdin: options.stdin, timeoutMs });
    // The node's own deadline struck first (our timer ran late): the same failure.
    if (result.code === KILLED_BY_TIMEOUT && Date.now() - started >= timeoutMs) throw timedOut();
    return result;
  } catch (err) {
    if (err instanceof CorralError) throw err;
    if (err instanceof ExecTimeoutError) throw timedOut();
    const why = err instanceof Error ? err.message : String(err);
    throw new CorralError('unavailable', `${node}: ${options.purpose} failed: ${why}`, {
      node,
      purpose: options.purpose,
    });
  }
}

// A fixed script: its arguments (path, mode) arrive as quoted positional parameters, the content
// on stdin; written to a temp file and renamed so a reader never sees half a file.
const WRITE_FILE =
  'mkdir -p "$(dirname "$1")" && cat > "$1.corral-tmp" && chmod "$2" "$1.corral-tmp" && mv "$1.corral-tmp" "$1"';

/** Writes files on a node (atomically each), as root; each write has its own deadline. */
export async function writeNodeFiles(
  client: Client,
  files: readonly SeedFile[],
  timeoutMs = NODE_COMMAND_TIMEOUT_MS,
): Promise<void> {
  for (const f of files) {
    const r = await execArgs(
      client,
      ['sh', '-c', WRITE_FILE, 'sh', f.path, f.permissions ?? '0644'],
      { purpose: `writing ${f.path}`, stdin: f.content, timeoutMs },
    );
    if (r.code !== 0) throw new Error(`writing ${f.path} failed: ${r.stderr.trim()}`);
  }
}
