import type { ByteStream } from '../../api/byte-stream';
import { CorralError } from '../../api/errors';
import type { LibvirtClient, LibvirtStream, VolRef } from '../../native/libvirt';
import * as storageVolume from '../libvirt/storage-volume';
import { storageError } from './storage-errors';

/** Progress goes back at most this often (bytes); the last line always says the full size. */
const PROGRESS_STEP = 1024 * 1024;

/** What one upload needs. */
export interface VolumeUploadOptions {
  client: LibvirtClient;
  /** The freshly created, empty volume the bytes go into. */
  vol: VolRef;
  sizeBytes: number;
  /** The client's bytes in, progress lines out. */
  source: ByteStream;
  /** Whole-call deadline for libvirt's finish handshake (ms). */
  finishTimeoutMs?: number;
  /** Bytes taken by the host so far, after each chunk (the upload's task shows them). */
  onProgress?: (uploaded: number) => void;
}

/**
 * Pipes a client's bytes into libvirt's volume upload stream, one chunk at a time: the client's
 * credit comes back only once libvirt's stream took the chunk, so a slow host throttles the
 * browser end to end. Writes `{"uploaded":n}` lines back. `done` settles once the daemon confirmed
 * the data (or the upload failed and the libvirt stream was aborted); deleting the partial volume
 * is the caller's part, since it knows the volume's host.
 */
export class VolumeUpload {
  /** Resolves when every byte is committed on the host; rejects with why it was not. */
  readonly done: Promise<void>;
  private received = 0;
  private reported = 0;
  private failed: CorralError | undefined;
  private finished = false;
  private settle!: { resolve: () => void; reject: (err: CorralError) => void };

  private constructor(
    private readonly lv: LibvirtStream,
    private readonly options: VolumeUploadOptions,
  ) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Callers always attach to `done`; keep an early failure from being "unhandled" meanwhile.
    this.done.catch(() => undefined);
  }

  /** Opens libvirt's upload stream for the whole volume and starts piping. */
  static async start(options: VolumeUploadOptions): Promise<VolumeUpload> {
    let lv: LibvirtStream;
    try {
      lv = await storageVolume.upload(
        options.client,
        { vol: options.vol, offset: 0n, length: BigInt(options.sizeBytes), flags: 0 },
        { timeoutMs: options.finishTimeoutMs ?? 120_000 },
      );
    } catch (err) {
      throw storageError(err, `cannot start the upload into ${options.vol.name}`);
    }
    const upload = new VolumeUpload(lv, options);
    upload.wire();
    return upload;
  }

  /** Bytes taken by libvirt's stream so far. */
  get uploaded(): number {
    return this.received;
  }

  /** Fails the upload from outside (the host dropped, the service is shutting down). */
  abort(error: CorralError): void {
    this.fail(error);
  }

  private wire(): void {
    const { source, sizeBytes } = this.options;
    const lv = this.lv;
    // The readable side of an upload stream only ever signals the end.
    lv.resume();
    lv.on('error', (err) => this.fail(storageError(err, 'the host ended the upload')));
    lv.on('close', () => {
      if (!this.finished)
        this.fail(new CorralError('unavailable', 'the host closed the upload stream'));
    });
    source.onData(async (bytes) => {
      if (this.failed || this.finished) return;
      if (this.received + bytes.byteLength > sizeBytes) {
        this.fail(
          new CorralError(
            'bad-request',
            `more bytes than announced: the upload was declared as ${sizeBytes} bytes`,
          ),
        );
        return;
      }
      try {
        await this.write(bytes);
      } catch (err) {
        this.fail(storageError(err, 'the host refused the upload data'));
        return;
      }
      this.received += bytes.byteLength;
      this.options.onProgress?.(this.received);
      if (this.received - this.reported >= PROGRESS_STEP && this.received < sizeBytes)
        this.progress();
    });
    source.onEnd((error) => {
      if (this.failed || this.finished) return;
      if (error) {
        this.fail(new CorralError('cancelled', `upload cancelled: ${error.message}`));
        return;
      }
      if (this.received !== sizeBytes) {
        this.fail(
          new CorralError(
            'bad-request',
            `the upload ended after ${this.received} of the ${sizeBytes} bytes announced`,
          ),
        );
        return;
      }
      this.finish();
    });
  }

  private write(bytes: Uint8Array): Promise<void> {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Promise<void>((resolve, reject) =>
      this.lv.write(chunk, (err) => (err ? reject(err) : resolve())),
    );
  }

  private progress(): void {
    this.reported = this.received;
    const line = `${JSON.stringify({ uploaded: this.received })}\n`;
    // Progress is advisory: a client that stopped reading must not stall the upload.
    this.options.source.write(new TextEncoder().encode(line)).catch(() => undefined);
  }

  /** All bytes arrived: libvirt's finish handshake commits them. */
  private finish(): void {
    this.lv.end(() => {
      if (this.failed) return;
      this.finished = true;
      this.progress();
      this.settle.resolve();
    });
  }

  private fail(error: CorralError): void {
    if (this.failed || this.finished) return;
    this.failed = error;
    // Abort on the daemon (STREAM/ERROR), so it stops writing into the volume.
    this.lv.destroy();
    this.settle.reject(error);
  }
}
