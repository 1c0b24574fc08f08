import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteStream } from '../../../api/byte-stream';
import { CorralError } from '../../../api/errors';
import type { ProgramUpload } from '../../../api/jobs-api';
import type { ReportDataProblem } from '../../persistence/data-problems';
import { buildOnNode } from './program-build';
import { distributeProgram } from './program-distribute';
import type { BuildResult, JobNode, ProgramPipeline, StagedProgram } from './program-pipeline';
import { archiveKindOf } from './program-archive';
import { checkUpload, DEFAULT_STAGE_LIMITS, settleFiles, type StageLimits } from './program-stage';
import { ProgramStore } from './program-store';
import { UploadWriter } from './upload-writer';

/** A progress line at most every this many bytes received. */
const PROGRESS_STEP = 1024 * 1024;
/** A staged program no job used within this long may be deleted. */
export const UNUSED_PROGRAM_MS = 60 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export interface ProgramIntakeOptions {
  /** Corral's data folder: programs are staged in `<dataDir>/programs/<programId>/` (0700). */
  dataDir: string;
  /** Where a staged program's record that cannot be read is reported. */
  reportDataProblem?: ReportDataProblem;
  /** Defaults: {@link DEFAULT_STAGE_LIMITS} (64 MiB, 512 files). */
  limits?: Partial<StageLimits>;
  /** A build's deadline (default 10 minutes). */
  buildTimeoutMs?: number;
}

/**
 * The program intake of MPI jobs: stages uploads in the data folder (checked names, sizes,
 * archives and binaries), builds once on a node over SSH with live output and parsed
 * diagnostics, and copies the executable to every node with its checksum checked on each.
 *
 * `new ProgramIntake({ dataDir })`; call `close()` when Corral closes (stops the sweep timer).
 */
export class ProgramIntake implements ProgramPipeline {
  private readonly store: ProgramStore;
  private readonly limits: StageLimits;
  private readonly sweepTimer: ReturnType<typeof setInterval>;
  private readonly staging = new Set<() => void>();
  private readonly scratch: string;

  constructor(private readonly options: ProgramIntakeOptions) {
    this.limits = { ...DEFAULT_STAGE_LIMITS, ...options.limits };
    this.store = new ProgramStore(join(options.dataDir, 'programs'), options.reportDataProblem);
    // Copies in transit between nodes; whatever a crash left there is stale.
    this.scratch = join(options.dataDir, 'programs-transit');
    rmSync(this.scratch, { recursive: true, force: true });
    mkdirSync(this.scratch, { recursive: true, mode: 0o700 });
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  /**
   * Accepts the upload (resolving once bytes may flow) or refuses it at once when the header
   * says it is too big, has too many files or a bad name. The files are written as they come;
   * once the client half-closes, an archive is checked and extracted, the kind decided, and the
   * last progress line names the program. A refusal then ends the stream with the reason and
   * leaves nothing behind.
   */
  async stage(req: ProgramUpload, stream: ByteStream, ownerId: string): Promise<void> {
    checkUpload(req, this.limits);
    this.sweep();
    const programId = randomUUID();
    const dir = this.store.dirOf(programId);
    const filesDir = join(dir, 'files');
    const archive = req.files.length === 1 && archiveKindOf(req.files[0]!.path) !== undefined;
    const uploadDir = archive ? join(dir, 'upload') : filesDir;
    await mkdir(uploadDir, { recursive: true, mode: 0o700 });
    await mkdir(filesDir, { recursive: true, mode: 0o700 });
    const writer = new UploadWriter(uploadDir, req.files);
    const say = (line: object) =>
      // Progress is advisory: a client that stopped reading must not stall the upload.
      stream.write(new TextEncoder().encode(`${JSON.stringify(line)}\n`)).catch(() => undefined);

    let failed = false;
    let reported = 0;
    const fail = async (err: unknown) => {
      if (failed) return;
      failed = true;
      this.staging.delete(abortOnClose);
      await writer.abort();
      await rm(dir, { recursive: true, force: true });
      const error =
        err instanceof CorralError
          ? err
          : new CorralError('internal', `staging the program failed: ${String(err)}`);
      stream.end(error.toData());
    };
    const abortOnClose = () => void fail(new CorralError('cancelled', 'Corral is closing'));
    this.staging.add(abortOnClose);

    stream.onData(async (bytes) => {
      if (failed) return;
      try {
        await writer.write(bytes);
      } catch (err) {
        await fail(err);
        return;
      }
      if (writer.received - reported >= PROGRESS_STEP) {
        reported = writer.received;
        void say({ received: writer.received });
      }
    });
    stream.onEnd((error) => {
      if (failed) return;
      if (error) {
        void fail(new CorralError('cancelled', `upload cancelled: ${error.message}`));
        return;
      }
      void (async () => {
        try {
          const sha256 = await writer.finish();
          const settled = await settleFiles(req, uploadDir, filesDir, this.limits);
          if (archive) await rm(uploadDir, { recursive: true, force: true });
          if (failed) return;
          const program = {
            programId,
            name: settled.name,
            kind: settled.kind,
            files: settled.files,
            sizeBytes: writer.received,
            sha256,
            cluster: req.cluster,
            ownerId,
          };
          this.store.add(program);
          this.staging.delete(abortOnClose);
          void say({ received: writer.received, program: withoutOwner(program) });
          stream.end();
        } catch (err) {
          await fail(err);
        }
      })();
    });
  }

  get(programId: string): StagedProgram | undefined {
    return this.store.get(programId);
  }

  async build(
    program: StagedProgram,
    node: JobNode,
    jobDir: string,
    onOutput: (bytes: Uint8Array) => void,
    signal: AbortSignal,
  ): Promise<BuildResult> {
    // From its first build on, the program belongs to a job and is kept for re-runs.
    this.store.markUsed(program.programId);
    return buildOnNode(program, node, jobDir, onOutput, signal, {
      timeoutMs: this.options.buildTimeoutMs ?? 10 * 60 * 1000,
    });
  }

  async distribute(
    from: JobNode,
    binaryPath: string,
    to: JobNode[],
    _jobDir: string,
    signal: AbortSignal,
  ): Promise<{ path: string; sha256: string }> {
    return distributeProgram(from, binaryPath, to, this.scratch, signal);
  }

  /** Deletes a staged program (its job's history was deleted). */
  remove(programId: string): void {
    this.store.remove(programId);
  }

  /** Deletes staged programs no job used within the hour; returns their ids. */
  sweep(now = new Date()): string[] {
    return this.store.sweep(UNUSED_PROGRAM_MS, now);
  }

  /** Stops the sweep and ends uploads in progress (their partial folders are deleted). */
  close(): void {
    clearInterval(this.sweepTimer);
    for (const abort of [...this.staging]) abort();
  }
}

function withoutOwner<T extends { cluster: string; ownerId: string }>(p: T) {
  const { cluster: _c, ownerId: _o, ...program } = p;
  return program;
}
