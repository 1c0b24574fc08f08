import type { ByteStream } from '../../../api/byte-stream';
import type { BuildDiagnostic, Program, ProgramUpload } from '../../../api/jobs-api';
import type { Client } from 'ssh2';
import { CorralError } from '../../../api/errors';

/** A program staged in Corral's data folder, kept with its jobs so they can run again. */
export interface StagedProgram extends Program {
  cluster: string;
  ownerId: string;
  /** The folder holding the program's files, as dropped (or the archive). */
  dir: string;
}

/** One node of the job's cluster, reachable over SSH through its host. */
export interface JobNode {
  name: string;
  /** An SSH connection to the node: a fresh one the caller ends, unless `shared`. */
  shell(): Promise<Client>;
  /** The connection is the job's own, kept for its later steps: only a cancel ends it. */
  shared?: boolean;
}

export interface BuildResult {
  ok: boolean;
  /** The compiler's or make's exit status. */
  exitCode: number;
  diagnostics: BuildDiagnostic[];
  /** The built (or dropped) executable on the build node, when `ok`. */
  binaryPath?: string;
}

/**
 * The intake side of a job: stage, build once on a node, distribute to every node and check.
 * Implemented by `ProgramIntake` (program-intake.ts).
 */
export interface ProgramPipeline {
  /**
   * Reads a `jobs.upload` stream into a staged program (refusing bad names, sizes, binaries),
   * answering on the stream as the contract says.
   */
  stage(req: ProgramUpload, stream: ByteStream, ownerId: string): Promise<void>;
  /** A staged program by id (undefined: unknown or removed). */
  get(programId: string): StagedProgram | undefined;
  /**
   * Copies the program to `jobDir` on the build node and builds it there (mpicc / mpicxx /
   * mpifort or make; an ELF is only checked), streaming the compiler's output.
   */
  build(
    program: StagedProgram,
    node: JobNode,
    jobDir: string,
    onOutput: (bytes: Uint8Array) => void,
    signal: AbortSignal,
  ): Promise<BuildResult>;
  /**
   * Copies the built executable from the build node to `jobDir` on every other node in parallel
   * and checks its checksum on each; resolves with the remote path (the same on every node).
   */
  distribute(
    from: JobNode,
    binaryPath: string,
    to: JobNode[],
    jobDir: string,
    signal: AbortSignal,
  ): Promise<{ path: string; sha256: string }>;
}

/** Until the intake is built: every entry says so. */
export class UnbuiltProgramPipeline implements ProgramPipeline {
  async stage(): Promise<void> {
    throw new CorralError('unavailable', 'program upload is not available yet');
  }
  get(): StagedProgram | undefined {
    return undefined;
  }
  async build(): Promise<BuildResult> {
    throw new CorralError('unavailable', 'program builds are not available yet');
  }
  async distribute(): Promise<{ path: string; sha256: string }> {
    throw new CorralError('unavailable', 'program distribution is not available yet');
  }
}
