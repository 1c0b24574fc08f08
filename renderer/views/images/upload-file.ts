import type { ByteStream } from '../../../api/byte-stream';
import { CorralError } from '../../../api/errors';
import { UploadProgress, type UploadTarget } from '../../../api/images-api';
import type { CorralClient } from '../../boot/corral-client';

/** A running upload the view can cancel. */
export interface UploadHandle {
  /** Settles when the host has every byte (or rejects with why not). */
  done: Promise<void>;
  cancel(): void;
}

/**
 * Uploads a File through the `images.upload` stream: reads it with `file.stream()` and awaits
 * every write, so the browser holds at most the stream's credit window in flight however large
 * the file. Progress is what the host confirmed (the server's `{"uploaded":n}` lines).
 */
export function uploadFile(
  client: CorralClient,
  target: Omit<UploadTarget, 'sizeBytes'>,
  file: Blob,
  onProgress: (uploaded: number) => void,
): UploadHandle {
  let cancelled = false;
  let stream: ByteStream | undefined;
  const cancel = () => {
    cancelled = true;
    stream?.end({ code: 'cancelled', message: 'cancelled by the user' });
  };
  const done = (async () => {
    stream = await client.images.upload({ ...target, sizeBytes: file.size });
    const s = stream;
    const ended = new Promise<CorralError | undefined>((resolve) => s.onEnd(resolve));
    let pending = '';
    const decoder = new TextDecoder();
    s.onData((bytes) => {
      pending += decoder.decode(bytes, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = UploadProgress.safeParse(JSON.parse(line));
        if (parsed.success) onProgress(parsed.data.uploaded);
      }
    });
    const reader = file.stream().getReader();
    try {
      for (;;) {
        if (cancelled) break;
        const { done: eof, value } = await reader.read();
        if (eof) break;
        await s.write(value);
      }
      if (cancelled) s.end({ code: 'cancelled', message: 'cancelled by the user' });
      else s.end();
    } catch {
      // The stream failed (the server refused or the host dropped): its end says why.
      void reader.cancel().catch(() => undefined);
    }
    const error = await ended;
    if (cancelled) throw new CorralError('cancelled', 'Upload cancelled; nothing was kept.');
    if (error) throw error;
  })();
  return { done, cancel };
}
