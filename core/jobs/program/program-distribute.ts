import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { CorralError } from '../../../api/errors';
import { execArgs, nameNodeConnection } from '../../clusters/node-ssh';
import { getFile, openSftp, putFile } from './node-sftp';
import type { JobNode } from './program-pipeline';

/** What went wrong on which node, for the error a person reads. */
function nodeError(node: string, what: string, err: unknown): CorralError {
  if (err instanceof CorralError && err.code === 'cancelled') return err;
  const why = err instanceof Error ? err.message : String(err);
  return new CorralError('unavailable', `${node}: ${what} failed: ${why}`, { node });
}

/**
 * Copies the built executable from the build node through Corral to the same path on every
 * other node, all at once, then has every node (the build node too) compute its SHA-256 and
 * compares each with the bytes Corral received. A copy that fails or differs is an error
 * naming the node. The bytes pass through Corral because nodes hold no credentials for each
 * other.
 */
export async function distributeProgram(
  from: JobNode,
  binaryPath: string,
  to: readonly JobNode[],
  scratchRoot: string,
  signal: AbortSignal,
): Promise<{ path: string; sha256: string }> {
  if (!posix.isAbsolute(binaryPath)) throw new Error(`not an absolute path: ${binaryPath}`);
  const cancelled = () => new CorralError('cancelled', 'the distribution was cancelled');
  if (signal.aborted) throw cancelled();
  const scratch = await mkdtemp(join(scratchRoot, 'distribute-'));
  const local = join(scratch, 'program');
  const clients: Array<{ client: Client; shared: boolean }> = [];
  const connect = async (node: JobNode) => {
    let client: Client;
    try {
      client = await node.shell();
    } catch (err) {
      throw nodeError(node.name, 'connecting', err);
    }
    nameNodeConnection(client, node.name);
    clients.push({ client, shared: node.shared === true });
    // A cancel ends the connections: transfers in flight fail at once.
    if (signal.aborted) client.end();
    return client;
  };
  const endAll = () => clients.forEach((c) => c.client.end());
  signal.addEventListener('abort', endAll, { once: true });
  let targets: Array<{ node: JobNode; ready: Promise<{ client: Client; sftp: SFTPWrapper }> }> = [];
  try {
    // Every other node gets its folder and SFTP session ready while the program is fetched.
    targets = to
      .filter((n) => n.name !== from.name)
      .map((node) => {
        const ready = (async () => {
          const client = await connect(node);
          try {
            await mustRun(client, ['mkdir', '-p', '-m', '0700', '--', posix.dirname(binaryPath)]);
            return { client, sftp: await openSftp(client) };
          } catch (err) {
            if (signal.aborted) throw cancelled();
            throw nodeError(node.name, `copying the program to ${binaryPath}`, err);
          }
        })();
        ready.catch(() => undefined);
        return { node, ready };
      });
    const source = await connect(from);
    try {
      const sftp = await openSftp(source);
      try {
        await getFile(sftp, binaryPath, local);
      } finally {
        sftp.end();
      }
    } catch (err) {
      if (signal.aborted) throw cancelled();
      throw nodeError(from.name, `fetching ${binaryPath}`, err);
    }
    const sha256 = await hashFile(local);
    const checks = [
      checksumOn(source, from.name, binaryPath, sha256),
      ...targets.map(async ({ node, ready }) => {
        const { client, sftp } = await ready;
        try {
          await putFile(sftp, local, binaryPath, 0o755);
        } catch (err) {
          if (signal.aborted) throw cancelled();
          throw nodeError(node.name, `copying the program to ${binaryPath}`, err);
        }
        await checksumOn(client, node.name, binaryPath, sha256);
      }),
    ];
    const results = await Promise.allSettled(checks);
    if (signal.aborted) throw cancelled();
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) {
      const messages = failures.map((f) => (f instanceof Error ? f.message : String(f)));
      throw new CorralError('unavailable', messages.join('; '), {
        nodes: failures.map((f) => (f instanceof CorralError ? nodeOf(f) : undefined)),
      });
    }
    return { path: binaryPath, sha256 };
  } finally {
    signal.removeEventListener('abort', endAll);
    // A session left open by a failure elsewhere must not outlive the distribution.
    await Promise.all(targets.map((t) => t.ready.then((r) => r.sftp.end()).catch(() => undefined)));
    for (const c of clients) if (!c.shared) c.client.end();
    await rm(scratch, { recursive: true, force: true });
  }
}

function nodeOf(err: CorralError): string | undefined {
  const detail = err.detail as { node?: unknown } | undefined;
  return typeof detail?.node === 'string' ? detail.node : undefined;
}

async function mustRun(client: Client, argv: string[]): Promise<void> {
  const r = await execArgs(client, argv, { purpose: argv[0]! });
  if (r.code !== 0) throw new Error(r.stderr.trim() || `${argv[0]} exited with ${r.code}`);
}

/** The node's own sha256sum of the file must be the one Corral computed. */
async function checksumOn(client: Client, node: string, path: string, expected: string) {
  let r;
  try {
    r = await execArgs(client, ['sha256sum', '--', path], { purpose: `checking ${path}` });
  } catch (err) {
    throw nodeError(node, `checking ${path}`, err);
  }
  const got = r.stdout.trim().split(/\s+/)[0];
  if (r.code !== 0 || !got) {
    throw new CorralError('unavailable', `${node}: cannot check ${path}: ${r.stderr.trim()}`, {
      node,
    });
  }
  if (got !== expected) {
    throw new CorralError(
      'unavailable',
      `${node}: the copy of ${path} differs (sha256 ${got.slice(0, 12)}…, expected ${expected.slice(0, 12)}…)`,
      { node },
    );
  }
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
