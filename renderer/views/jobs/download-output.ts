import type { JobsClient } from './jobs-client';

/** The file name a rank's saved output gets ("hello.c-3f2a91c0-rank1.stderr"). */
export function outputFileName(program: string, id: string, rank: number, fd: string): string {
  const safe = program.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe}-${id.slice(0, 8)}-rank${rank}.${fd}`;
}

/**
 * Reads one rank's stream through `jobs.output` (the exact bytes kept on disk) and hands it to
 * the browser as a download.
 */
export async function downloadOutput(
  client: JobsClient,
  job: { id: string; program: { name: string } },
  rank: number,
  fd: 'stdout' | 'stderr',
): Promise<void> {
  const stream = await client.jobs.output({ id: job.id, rank, fd });
  const parts: Uint8Array[] = [];
  stream.onData((bytes) => void parts.push(bytes));
  const error = await new Promise<Error | undefined>((resolve) => stream.onEnd(resolve));
  stream.end();
  if (error) throw error;
  const url = URL.createObjectURL(
    new Blob(parts as BlobPart[], { type: 'application/octet-stream' }),
  );
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = outputFileName(job.program.name, job.id, rank, fd);
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // The click has taken the URL by now; a later revoke would only keep the bytes longer.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
