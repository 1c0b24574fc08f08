import type { Client, SFTPWrapper } from 'ssh2';

/** An SFTP session on a node's connection (ended by the caller). */
export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) =>
    client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))),
  );
}

/** Copies a local file to the node (parallel chunked writes), with the given mode. */
export function putFile(sftp: SFTPWrapper, local: string, remote: string, mode: number) {
  return new Promise<void>((resolve, reject) =>
    sftp.fastPut(local, remote, { mode }, (err) => (err ? reject(err) : resolve())),
  );
}

/** Copies a file of the node to a local path. */
export function getFile(sftp: SFTPWrapper, remote: string, local: string) {
  return new Promise<void>((resolve, reject) =>
    sftp.fastGet(remote, local, (err) => (err ? reject(err) : resolve())),
  );
}

export function chmodRemote(sftp: SFTPWrapper, remote: string, mode: number) {
  return new Promise<void>((resolve, reject) =>
    sftp.chmod(remote, mode, (err) => (err ? reject(err) : resolve())),
  );
}

/** Runs `fn` on at most `limit` items at a time; rejects with the first failure. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
