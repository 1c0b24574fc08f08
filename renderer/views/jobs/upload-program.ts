import type { ByteStream } from '../../../api/byte-stream';
import { CorralError } from '../../../api/errors';
import { ProgramUploadProgress, type Program, type ProgramUpload } from '../../../api/jobs-api';
import type { JobsClient } from './jobs-client';
import { NdjsonLines } from './ndjson-lines';
import type { ProgramFile } from './program-files';

export interface ProgramUploadHandle {
  /** The staged program once core has every byte and accepted it. */
  done: Promise<Program>;
  cancel(): void;
}

/**
 * Stages a program through `jobs.upload`: the header is the stream's open argument, then every
 * file's bytes in the header's order, read piecewise and awaited write by write (the stream's
 * credit bounds what is in flight), then a half-close. Core answers newline-delimited progress;
 * its last line names the program.
 */
export function uploadProgram(
  client: JobsClient,
  header: ProgramUpload,
  files: readonly ProgramFile[],
  onProgress: (received: number) => void,
): ProgramUploadHandle {
  let cancelled = false;
  let stream: ByteStream | undefined;
  const cancel = () => {
    cancelled = true;
    stream?.end({ code: 'cancelled', message: 'cancelled by the user' });
  };
  const done = (async () => {
    stream = await client.jobs.upload(header);
    const s = stream;
    const ended = new Promise<CorralError | undefined>((resolve) => s.onEnd(resolve));
    let program: Program | undefined;
    const lines = new NdjsonLines();
    s.onData((bytes) => {
      for (const line of lines.push(bytes)) {
        const parsed = ProgramUploadProgress.safeParse(line);
        if (!parsed.success) continue;
        onProgress(parsed.data.received);
        if (parsed.data.program) program = parsed.data.program;
      }
    });
    try {
      for (const f of files) {
        const reader = f.file.stream().getReader();
        for (;;) {
          if (cancelled) break;
          const { done: eof, value } = await reader.read();
          if (eof) break;
          await s.write(value);
        }
        if (cancelled) break;
      }
      if (!cancelled) s.end();
    } catch {
      // The stream failed (core refused the program): its end says why.
    }
    const error = await ended;
    if (cancelled) throw new CorralError('cancelled', 'Upload cancelled; nothing was kept.');
    if (error) throw error;
    if (!program) throw new CorralError('internal', 'The upload ended without naming the program.');
    return program;
  })();
  return { done, cancel };
}
