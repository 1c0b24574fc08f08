import type { ByteStream } from '../../api/byte-stream';
import type { Disposable } from '../../api/disposable';
import { CorralError } from '../../api/errors';
import type { Job, ProgramUpload, RunSpec } from '../../api/jobs-api';
import type { CallContext } from '../call-context';

const notYet = () => new CorralError('unavailable', 'MPI jobs are not available yet');

/** MPI jobs on a cluster: staged programs, builds, detached runs and their per-rank output. */
export class JobsService {
  async upload(_req: ProgramUpload, _stream: ByteStream, _ctx: CallContext): Promise<void> {
    throw notYet();
  }

  async start(
    _req: { cluster: string; programId: string; run: RunSpec },
    _ctx: CallContext,
  ): Promise<Job> {
    throw notYet();
  }

  async rerun(_req: { id: string; run?: RunSpec | undefined }, _ctx: CallContext): Promise<Job> {
    throw notYet();
  }

  list(_cluster: string, _ctx: CallContext): Job[] {
    return [];
  }

  get(_id: string): Job {
    throw notYet();
  }

  async watch(_id: string, _stream: ByteStream): Promise<void> {
    throw notYet();
  }

  async output(
    _req: { id: string; rank: number; fd: 'stdout' | 'stderr' },
    _stream: ByteStream,
  ): Promise<void> {
    throw notYet();
  }

  async cancel(_id: string, _ctx: CallContext): Promise<Job> {
    throw notYet();
  }

  async remove(_id: string): Promise<void> {
    throw notYet();
  }

  onChanged(_emit: (job: Job) => void, _ctx: CallContext): Disposable {
    return { dispose: () => undefined };
  }
}
