import type { ByteStream } from '../../api/byte-stream';
import type { Disposable } from '../../api/disposable';
import { Emitter } from '../../api/emitter';
import { CorralError } from '../../api/errors';
import type { Job, JobOutputRecord, ProgramUpload, RunSpec } from '../../api/jobs-api';
import { canAccess, notFound, type SessionUsers } from '../accounts/authorization';
import type { CallContext } from '../call-context';
import { HOSTFILE_PATH } from '../clusters/cluster-naming';
import { execArgs } from '../clusters/node-ssh';
import type { TaskEngine } from '../tasks/task-engine';
import type { JobClusters, JobNodeRef } from './job-cluster';
import { rankKey, type JobStore, type OutputKey } from './job-store';
import { mpiJobRunner, type MpiJobState } from './mpi-job-runner';
import { hostfileSlots, slotProblem } from './mpirun-argv';
import type { ProgramPipeline } from './program/program-pipeline';
import { WarmJobClusters } from './warm-connections';

/** Output kept per rank and stream on disk unless told otherwise (8 MiB). */
export const DEFAULT_OUTPUT_LIMIT = 8 * 1024 * 1024;
/** Replayed output goes out in pieces of this size (before base64). */
const REPLAY_PIECE = 48 * 1024;
const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

export interface JobsServiceOptions {
  tasks: Pick<
    TaskEngine,
    'register' | 'start' | 'get' | 'select' | 'cancel' | 'resume' | 'stateOf'
  >;
  store: JobStore;
  programs: ProgramPipeline;
  clusters: JobClusters;
  users: SessionUsers;
  outputLimitBytes?: number;
}

/**
 * MPI jobs on a cluster: staged programs, builds, detached runs and their per-rank output. Each
 * job runs as an `mpi-job` task (the job's id is its task's). Who may call each entry was
 * decided by the contract's gate; the caller is asked for only to filter what they see.
 */
export class JobsService {
  private readonly changes = new Emitter<Job>();
  private readonly live = new Emitter<{ id: string; record: JobOutputRecord }>();
  private readonly limit: number;
  private readonly clusters: WarmJobClusters;

  constructor(private readonly options: JobsServiceOptions) {
    this.limit = options.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT;
    this.clusters = new WarmJobClusters(options.clusters);
    options.tasks.register(
      mpiJobRunner({
        programs: options.programs,
        store: options.store,
        clusters: this.clusters,
        publish: (job) => this.publish(job),
        output: (id, record) => this.live.fire({ id, record }),
      }),
    );
    this.reattach();
  }

  /** Who owns a job, also after its task left the task history. */
  ownerOf(id: string): string | undefined {
    return this.options.store.get(id)?.ownerId;
  }

  async upload(req: ProgramUpload, stream: ByteStream, ctx: CallContext): Promise<void> {
    await this.options.programs.stage(req, stream, this.options.users.requireUser(ctx).id);
  }

  /**
   * Checks before anything runs (every node running and answering, the ranks fitting the
   * hostfile's slots unless oversubscribing), then starts the job's task.
   */
  async start(
    req: { cluster: string; programId: string; run: RunSpec },
    ctx: CallContext,
  ): Promise<Job> {
    const user = this.options.users.requireUser(ctx);
    const program = this.options.programs.get(req.programId);
    if (!program || program.cluster !== req.cluster || !canAccess(user, program.ownerId)) {
      throw notFound(`program ${req.programId}`);
    }
    const nodes = await this.clusters.nodes(req.cluster);
    if (nodes.length === 0)
      throw new CorralError('conflict', `cluster ${req.cluster} has no nodes`);
    const stopped = nodes.find((n) => !n.running);
    if (stopped) {
      throw new CorralError('conflict', `node ${stopped.name} is not running (${stopped.state})`, {
        node: stopped.name,
      });
    }
    const hostfile = await this.checkReachable(req.cluster, nodes);
    const slots = hostfileSlots(hostfile);
    const problem = slotProblem(
      req.run,
      slots.length ? slots : nodes.map((n) => ({ node: n.name, slots: n.vcpus })),
    );
    if (problem) throw new CorralError('bad-request', problem);
    const np = req.run.ranks ?? slots.reduce((n, s) => n + s.slots, 0);
    const state: MpiJobState = {
      cluster: req.cluster,
      program: {
        programId: program.programId,
        name: program.name,
        kind: program.kind,
        files: program.files,
        sizeBytes: program.sizeBytes,
        sha256: program.sha256,
      },
      run: req.run,
      np,
      nodes: nodes.map(({ name, hostId, address, hostKey, vcpus }) => ({
        name,
        hostId,
        address,
        hostKey,
        vcpus,
      })),
      outputLimitBytes: this.limit,
      phase: 'build',
      offset: 0,
      sizes: {},
      totals: {},
    };
    const task = await this.options.tasks.start<MpiJobState>({
      kind: 'mpi-job',
      ownerId: user.id,
      title: `Run ${program.name} on ${req.cluster} (${np} ranks)`,
      targets: [{ kind: 'cluster', cluster: req.cluster }],
      steps: [
        { id: 'build', label: 'Build' },
        { id: 'distribute', label: 'Distribute' },
        { id: 'run', label: 'Run' },
      ],
      state,
    });
    return this.get(task.id);
  }

  async rerun(req: { id: string; run?: RunSpec | undefined }, ctx: CallContext): Promise<Job> {
    const job = this.get(req.id);
    return this.start(
      { cluster: job.cluster, programId: job.program.programId, run: req.run ?? job.run },
      ctx,
    );
  }

  list(cluster: string, ctx: CallContext): Job[] {
    const user = this.options.users.requireUser(ctx);
    return this.options.store
      .list()
      .filter((j) => j.cluster === cluster && canAccess(user, j.ownerId));
  }

  get(id: string): Job {
    const job = this.options.store.get(id);
    if (!job) throw notFound(`job ${id}`);
    return job;
  }

  /**
   * Everything recorded so far (build output, then each rank's streams), `live`, then records
   * as they come until `end`. What is on disk is measured in the same turn as the live
   * subscription starts, so nothing is lost or repeated between the two; it is then read a
   * piece at a time as the client takes it. Returns at once: the stream carries nothing until
   * the open is answered.
   */
  watch(id: string, stream: ByteStream): Promise<void> {
    this.get(id);
    const store = this.options.store;
    let closed = false;
    // Set once `live` is sent for a running job.
    const live: { sub?: Disposable } = {};
    let chain: Promise<void> = Promise.resolve();
    const send = (make: () => JobOutputRecord) => {
      chain = chain
        .then(async () => {
          if (!closed) await stream.write(Buffer.from(`${JSON.stringify(make())}\n`));
        })
        .catch(() => {
          closed = true;
          live.sub?.dispose();
        });
    };
    const finish = () => {
      chain = chain.then(() => {
        if (!closed) stream.end();
        closed = true;
      });
    };
    // From here to the subscription below nothing else runs: measured on disk = sent before
    // `live`, anything later arrives as a live record.
    const sizes: Array<[OutputKey, number]> = [['build', store.size(id, 'build')]];
    const ranks = [...store.streams(id)].filter(([k]) => k.startsWith('r'));
    ranks.sort(([a], [b]) => byRankThenFd(a, b));
    sizes.push(...ranks);
    for (const [key, size] of sizes) {
      for (let from = 0; from < size; from += REPLAY_PIECE) {
        const to = Math.min(size, from + REPLAY_PIECE);
        send(() => {
          const data = store.readRange(id, key, from, to).toString('base64');
          if (key === 'build') return { t: 'build', data };
          const [, rank, fd] = /^r(\d+)\.(stdout|stderr)$/.exec(key)!;
          return { t: 'rank', rank: Number(rank), fd: fd as 'stdout' | 'stderr', data };
        });
      }
    }
    send(() => ({ t: 'live' }));
    const status = this.get(id).status;
    if (FINAL.has(status)) {
      // A finished job has all its output on disk already.
      send(() => ({ t: 'end', status }));
      finish();
      return Promise.resolve();
    }
    live.sub = this.live.on(({ id: of, record }) => {
      if (of !== id) return;
      send(() => record);
      if (record.t === 'end') {
        live.sub?.dispose();
        finish();
      }
    });
    stream.onClosed(() => {
      closed = true;
      live.sub?.dispose();
    });
    return Promise.resolve();
  }

  /** One rank's stream as the raw bytes kept (for download); returns before they flow. */
  output(
    req: { id: string; rank: number; fd: 'stdout' | 'stderr' },
    stream: ByteStream,
  ): Promise<void> {
    this.get(req.id);
    const key = rankKey(req.rank, req.fd);
    const size = this.options.store.size(req.id, key);
    void (async () => {
      for (let at = 0; at < size; at += REPLAY_PIECE) {
        await stream.write(
          this.options.store.readRange(req.id, key, at, Math.min(size, at + REPLAY_PIECE)),
        );
      }
      stream.end();
    })().catch(() => undefined);
    return Promise.resolve();
  }

  async cancel(id: string, ctx: CallContext): Promise<Job> {
    const job = this.get(id);
    if (!this.active(id)) {
      throw new CorralError('conflict', `job ${id} is ${job.status}: there is nothing to cancel`);
    }
    await this.options.tasks.cancel(id, this.options.users.requireUser(ctx).username);
    // Unless the runner already recorded how it ended (a cancel during the build ends at once).
    const now = this.get(id);
    if (!FINAL.has(now.status)) this.publish({ ...now, status: 'cancelling' });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const job = this.get(id);
    if (!FINAL.has(job.status) || this.active(id)) {
      throw new CorralError(
        'conflict',
        `job ${id} is ${job.status}: only a finished job can be removed`,
      );
    }
    this.options.store.remove(id);
  }

  /** Changes of the jobs the session may see; who it is is asked at each change. */
  onChanged(emit: (job: Job) => void, ctx: CallContext): Disposable {
    return this.changes.on((job) => {
      if (canAccess(this.options.users.me(ctx).user, job.ownerId)) emit(job);
    });
  }

  dispose(): void {
    this.changes.clear();
    this.live.clear();
    this.clusters.close();
  }

  private publish(job: Job): void {
    this.options.store.put(job);
    this.changes.fire(job);
  }

  /** Whether the job's task is working now. */
  private active(id: string): boolean {
    const status = this.options.tasks.get(id)?.status;
    return status === 'running' || status === 'cancelling' || status === 'queued';
  }

  /**
   * At start: jobs cut off by a stop or crash carry on by themselves (mpirun ran on, detached);
   * a job whose task is gone from the journal can no longer be followed and says so.
   */
  private reattach(): void {
    for (const task of this.options.tasks.select(
      (t) => t.kind === 'mpi-job' && t.status === 'interrupted',
    )) {
      const job = this.options.store.get(task.id);
      if (job) this.publish({ ...job, status: 'interrupted' });
      // Output past the saved reading position is read again: cut it now, before anyone
      // watching could be shown it twice.
      const state = this.options.tasks.stateOf(task.id) as MpiJobState | undefined;
      if (state?.sizes) this.options.store.truncateTo(task.id, state.sizes);
      void this.options.tasks.resume(task.id, 'Corral at start').catch(() => undefined);
    }
    for (const job of this.options.store.list()) {
      if (FINAL.has(job.status) || job.status === 'interrupted') continue;
      if (!this.options.tasks.get(job.id)) {
        this.publish({ ...job, status: 'interrupted', reason: 'Corral lost track of this job' });
      }
    }
  }

  /**
   * Every node answers SSH; resolves with the launch node's hostfile. The connections stay open
   * for the job's task to take over.
   */
  private async checkReachable(cluster: string, nodes: ReadonlyArray<JobNodeRef>): Promise<string> {
    const texts = await Promise.all(
      nodes.map(async (n, i) => {
        let ssh;
        try {
          ssh = await this.clusters.connect(cluster, n);
          const r = await execArgs(ssh, i === 0 ? ['cat', HOSTFILE_PATH] : ['true'], {
            purpose: 'checking the node',
            timeoutMs: 20_000,
          });
          if (r.code !== 0) throw new Error(r.stderr.trim() || `exit status ${r.code}`);
          this.clusters.park(cluster, n, ssh);
          return r.stdout;
        } catch (err) {
          ssh?.end();
          const why = err instanceof Error ? err.message : String(err);
          throw new CorralError('unavailable', `node ${n.name} is unreachable: ${why}`, {
            node: n.name,
          });
        }
      }),
    );
    return texts[0] ?? '';
  }
}

function byRankThenFd(a: OutputKey, b: OutputKey): number {
  const ra = Number(/^r(\d+)/.exec(a)?.[1]);
  const rb = Number(/^r(\d+)/.exec(b)?.[1]);
  return ra - rb || a.localeCompare(b);
}
