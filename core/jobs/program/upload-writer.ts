import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CorralError } from '../../../api/errors';
import { insideRoot } from './program-paths';

/**
 * Writes the bytes of a `jobs.upload` stream into the announced files, in order, under `root`:
 * each file is created new (never over an existing one) and gets exactly its announced size.
 * The checksum covers every name, size and byte, so two uploads with equal checksums are the
 * same program.
 */
export class UploadWriter {
  private index = 0;
  private inFile = 0;
  private handle: FileHandle | undefined;
  private readonly hash = createHash('sha256');
  private readonly total: number;
  received = 0;

  constructor(
    private readonly root: string,
    private readonly files: ReadonlyArray<{ path: string; sizeBytes: number }>,
  ) {
    this.total = files.reduce((n, f) => n + f.sizeBytes, 0);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.received + bytes.byteLength > this.total) {
      throw new CorralError(
        'bad-request',
        `more bytes than announced: the files add up to ${this.total} bytes`,
      );
    }
    let rest = bytes;
    while (rest.byteLength > 0) {
      await this.skipEmpty();
      const handle = await this.current();
      const file = this.files[this.index]!;
      const take = Math.min(rest.byteLength, file.sizeBytes - this.inFile);
      const chunk = rest.subarray(0, take);
      await handle.write(chunk);
      this.hash.update(chunk);
      this.inFile += take;
      this.received += take;
      rest = rest.subarray(take);
      if (this.inFile === file.sizeBytes) await this.next();
    }
  }

  /** Every byte arrived: creates the empty files left and returns the checksum. */
  async finish(): Promise<string> {
    if (this.received !== this.total) {
      throw new CorralError(
        'bad-request',
        `the upload ended after ${this.received} of the ${this.total} bytes announced`,
      );
    }
    await this.skipEmpty();
    return this.hash.digest('hex');
  }

  /** Closes the open file (the caller deletes the folder). */
  async abort(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async current(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    const file = this.files[this.index];
    if (!file) throw new CorralError('bad-request', 'more bytes than announced');
    const target = insideRoot(this.root, file.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    this.handle = await open(target, 'wx', 0o600);
    this.hash.update(`${file.path}\0${file.sizeBytes}\0`);
    return this.handle;
  }

  private async next(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    this.index++;
    this.inFile = 0;
  }

  /** Empty files have no bytes to wait for: they are created as soon as their turn comes. */
  private async skipEmpty(): Promise<void> {
    while (
      !this.handle &&
      this.index < this.files.length &&
      this.files[this.index]!.sizeBytes === 0
    ) {
      await this.current();
      await this.next();
    }
  }
}
